// Asset requests are what browsers fetch by the dozen per page view; counting them as probes is the
// classic false positive of volume-based scanners (SPA users, media servers).
const STATIC_EXTENSIONS = new Set([
  "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "ico", "webp", "avif", "bmp",
  "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav", "m4a", "flac",
  "m3u8", "m4s", "webmanifest",
]);

/** True for paths that name a static asset by extension. */
export function isStaticAsset(path: string): boolean {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  if (dot <= slash || dot === path.length - 1) return false;
  return STATIC_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}
