export { FakeApiServer, apiStatus, crashloopRoutes, type Behaviour } from "./fake-api-server.js";
