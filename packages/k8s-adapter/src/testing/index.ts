export { FakeApiServer, apiStatus, crashloopRoutes, scenarioRoutes, type Behaviour } from "./fake-api-server.js";
