import { hubspotAdapterFor } from "./adapters/hubspot.js";
import { companiesKind, contactsKind, customObjectKind } from "./adapters/hubspot-kinds.js";
import { defineConnectorConformance } from "./suite.js";

// Every kind of record a HubSpot source may pull, through the same contract.
for (const kind of [contactsKind, companiesKind, customObjectKind])
  defineConnectorConformance(hubspotAdapterFor(kind));
