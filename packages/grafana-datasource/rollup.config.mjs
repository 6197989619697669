// esbuild cannot emit AMD; rollup rewrites tsup's ESM output into `define([...deps], factory)`.
export default {
  input: "build/module.js",
  external: (id) => !id.startsWith(".") && !id.startsWith("/"),
  output: { file: "dist/module.js", format: "amd", sourcemap: false },
};
