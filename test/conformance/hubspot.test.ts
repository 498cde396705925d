import { hubspotAdapter } from "./adapters/hubspot.js";
import { defineConnectorConformance } from "./suite.js";

defineConnectorConformance(hubspotAdapter);
