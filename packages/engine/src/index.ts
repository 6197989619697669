export * from "./event/http-event.js";
export * from "./incident/incident.js";
