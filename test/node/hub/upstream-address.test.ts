import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyHost } from "../../../worker/model/address";
import {
  allowsPrivateUpstreams,
  normalizeUpstreamUrl,
  privateUpstreamError,
} from "../../../worker/model/url";

const errorOf = (input: string) => {
  const result = normalizeUpstreamUrl(input);
  return "error" in result ? result.error : null;
};

describe("upstream addresses the hub never probes", () => {
  it.each([
    "http://169.254.169.254",
    "http://169.254.169.254/latest/meta-data/iam/",
    "https://169.254.169.254:443",
    "http://169.254.170.2/v2/credentials",
    "http://[fd00:ec2::254]",
    "http://[FD00:EC2:0::254]:80/latest",
    "http://[fd00:ec2::23]",
    "http://[fe80::1]",
    "http://[febf:ffff::1]",
    "http://metadata.google.internal/computeMetadata/v1",
    "http://METADATA.GOOGLE.INTERNAL./",
    "http://metadata/",
    "http://metadata.goog",
    "http://instance-data/latest",
    "http://100.100.100.200/latest/meta-data",
    "http://192.0.0.192/",
    "http://168.63.129.16/machine",
    "http://0.0.0.0:8080",
    "http://[::]",
    "http://224.0.0.1",
    "http://255.255.255.255",
    "http://240.1.2.3",
  ])("refuses %s (link-local, metadata or special)", (input) => {
    expect(errorOf(input)).toMatch(/the hub never probes it/);
  });

  it.each([
    // 169.254.169.254 as hex, integer, octal, short and mixed forms
    "http://0xa9fea9fe",
    "http://0XA9FEA9FE/latest",
    "http://2852039166",
    "http://0251.0376.0251.0376",
    "http://0251.254.169.254",
    "http://0xa9.0xfe.0xa9.0xfe",
    "http://169.254.43518",
    "http://169.16689662",
    "http://%31%36%39.254.169.254",
    "http://１６９．２５４．１６９．２５４",
    "http://169.254.169.254.",
    // loopback in the same disguises: refused even where private hosts are allowed
    "http://0x7f000001:8080",
    "http://2130706433",
    "http://017700000001",
    "http://127.1",
    "http://0x7f.1",
    "http://0",
  ])("refuses the obfuscated numeric host %s", (input) => {
    expect(errorOf(input)).toMatch(/dotted decimal/);
  });

  it.each([
    "http://[::ffff:169.254.169.254]",
    "http://[::ffff:a9fe:a9fe]",
    "http://[0:0:0:0:0:ffff:a9fe:a9fe]",
    "http://[::ffff:127.0.0.1]:8080",
    "http://[::169.254.169.254]",
    "http://[::ffff:0:a9fe:a9fe]",
    "http://[64:ff9b::169.254.169.254]",
    "http://[64:ff9b:1::a9fe:a9fe]",
  ])("refuses the IPv4-in-IPv6 form %s", (input) => {
    expect(errorOf(input)).toMatch(/IPv4 address written as IPv6/);
  });

  it("refuses every IPv4 address in 169.254.0.0/16 in any integer spelling (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(
          (n: number) => String(n),
          (n: number) => `0x${n.toString(16)}`,
          (n: number) => `0${n.toString(8)}`,
        ),
        (low, spell) => {
          const n = 0xa9fe0000 + low;
          const dotted = `169.254.${low >> 8}.${low & 255}`;
          return errorOf(`http://${dotted}/`) !== null && errorOf(`http://${spell(n)}/`) !== null;
        },
      ),
    );
  });
});

describe("loopback and private upstreams", () => {
  const privateHosts = [
    "http://127.0.0.1:8080",
    "http://127.9.9.9",
    "http://localhost:3000",
    "http://api.localhost",
    "http://LOCALHOST.",
    "http://[::1]:8080",
    "http://10.0.0.5",
    "http://172.16.3.4",
    "http://172.31.255.255",
    "http://192.168.1.10",
    "http://100.64.0.1",
    "http://198.18.0.1",
    "http://[fd12:3456::1]",
    "http://[fc00::1]",
  ];

  it.each(privateHosts)(
    "normalises %s, but refuses it unless the environment allows private hosts",
    (input) => {
      const result = normalizeUpstreamUrl(input);
      expect(result).toHaveProperty("url");
      const url = (result as { url: string }).url;
      expect(privateUpstreamError(url, false)).toMatch(/ALLOW_PRIVATE_UPSTREAMS=true/);
      expect(privateUpstreamError(url, true)).toBe(null);
    },
  );

  it.each([
    "https://a.internal",
    "https://api.example.com/v1",
    "http://8.8.8.8",
    "http://172.32.0.1",
    "http://169.255.0.1",
    "http://100.128.0.1",
    "http://[2606:4700::1111]",
    "http://[2001:db8::1]:8080",
  ])("allows the public host %s everywhere", (input) => {
    const result = normalizeUpstreamUrl(input);
    expect(result).toHaveProperty("url");
    expect(privateUpstreamError((result as { url: string }).url, false)).toBe(null);
  });

  it('reads ALLOW_PRIVATE_UPSTREAMS as on only when it is "true"', () => {
    expect(allowsPrivateUpstreams({ ALLOW_PRIVATE_UPSTREAMS: "true" })).toBe(true);
    for (const value of [undefined, "", "false", "1", "TRUE", "yes"])
      expect(allowsPrivateUpstreams({ ALLOW_PRIVATE_UPSTREAMS: value })).toBe(false);
  });

  it("accepts the dotted-decimal forms people write, with ports, paths and userinfo-free authority", () => {
    expect(normalizeUpstreamUrl("http://127.0.0.1:9/a")).toEqual({ url: "http://127.0.0.1:9/a" });
    expect(normalizeUpstreamUrl("  http://127.0.0.1:80/")).toEqual({ url: "http://127.0.0.1" });
    expect(normalizeUpstreamUrl("http:\\\\127.0.0.1\\x")).toEqual({ url: "http://127.0.0.1/x" });
  });
});

describe("classifyHost", () => {
  it("never calls a host public when any IPv4-in-IPv6 spelling of a refused address is given (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        (hi, lo) => {
          const hex = (n: number) => n.toString(16);
          for (const prefix of ["::ffff:", "::", "::ffff:0:", "64:ff9b::"]) {
            const kind = classifyHost(`[${prefix}${hex(hi)}:${hex(lo)}]`).kind;
            if (kind === "public") return false;
          }
          return true;
        },
      ),
    );
  });
});
