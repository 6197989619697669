import { compileLogFormat, LogFormatError, LogFormat, parseTrustedProxies, type ClientIpOptions, type PipelineOptions } from "@edgeproof/engine";
import { UsageError } from "./time-arg.js";

/**
 * `--log-format NAME|json:{...}` and `--nginx-log-format STRING` as pipeline options: a built-in format
 * by name, or the user's own compiled once here, so a format that cannot be read fails before any line does.
 */
export function logFormatOptions(logFormat: string | undefined, nginxLogFormat: string | undefined): Pick<PipelineOptions, "format" | "customFormat"> {
  const name = logFormat ?? "auto";
  const isMap = name.trimStart().startsWith("json:");
  if (nginxLogFormat !== undefined && (isMap || name !== "auto")) throw new UsageError("give either --nginx-log-format or --log-format, not both");
  const spec = nginxLogFormat ?? (isMap ? name : undefined);
  if (spec !== undefined) {
    try {
      return { format: "auto", customFormat: compileLogFormat(spec) };
    } catch (e) {
      if (e instanceof LogFormatError) throw new UsageError(`${nginxLogFormat !== undefined ? "--nginx-log-format" : "--log-format"}: ${e.message}`);
      throw e;
    }
  }
  if (name !== "auto" && (!LogFormat.safeParse(name).success || name === "custom")) {
    throw new UsageError(`--log-format must be auto, a built-in format (${LogFormat.options.filter((f) => f !== "custom").join(", ")}) or json:{"key":"$variable",...}, got "${name}"`);
  }
  return { format: name as PipelineOptions["format"] };
}

/** `--client-ip` and `--trusted-proxies`: trusting proxies means reading the client from their headers. */
export function clientIpOption(from: string | undefined, trustedProxies: string | readonly string[] | undefined): ClientIpOptions | undefined {
  const list = (typeof trustedProxies === "string" ? trustedProxies.split(",") : (trustedProxies ?? [])).map((s) => s.trim()).filter(Boolean);
  const chosen = from ?? (list.length ? "forwarded" : "remote");
  if (chosen !== "remote" && chosen !== "forwarded") throw new UsageError(`--client-ip must be remote or forwarded, got "${from}"`);
  if (chosen === "forwarded" && !list.length) {
    throw new UsageError("--client-ip forwarded needs --trusted-proxies: forwarded headers are only believed from the proxies you name (e.g. --trusted-proxies 10.0.0.0/8)");
  }
  const parsed = parseTrustedProxies(list);
  if ("invalid" in parsed) throw new UsageError(`--trusted-proxies: "${parsed.invalid}" is not an IP address or CIDR range`);
  return chosen === "remote" ? undefined : { from: chosen, trustedProxies: list };
}
