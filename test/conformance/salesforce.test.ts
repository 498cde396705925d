import { salesforceAdapter } from "./adapters/salesforce.js";
import { defineConnectorConformance } from "./suite.js";

defineConnectorConformance(salesforceAdapter);
