/**
 * Node-only helpers (`@edgeproof/engine/node`): finding and loading rule packs on disk. The engine itself does
 * no I/O; everything here reads files and hands their text to it.
 * @module
 */
export { packFiles, listResolver, loadRulePackFile, loadRulePacks } from "./rule-pack-files.js";
