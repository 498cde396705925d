import { salesforceAdapterFor } from "./adapters/salesforce.js";
import {
  businessAccountKind,
  contactKind,
  customObjectKind,
  leadKind,
  personAccountKind,
} from "./adapters/salesforce-kinds.js";
import { defineConnectorConformance } from "./suite.js";

// Every kind of record a Salesforce source may pull, through the same contract.
for (const kind of [leadKind, contactKind, businessAccountKind, personAccountKind, customObjectKind])
  defineConnectorConformance(salesforceAdapterFor(kind));
