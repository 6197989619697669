// The shared runtime-neutral bundle (see tsup.neutral.ts at the root).
export { default } from "../../tsup.neutral.js";
