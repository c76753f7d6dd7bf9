// Every route a department serves, in the order the OpenAPI document lists them.
import type { RouteSpec } from "../route.ts";
import { auditAccessLogRoute, commitAccessLogRoute, listAccessLogRoute, myAccessLogRoute } from "./accessLog.ts";
import { exportAccessLogRoute } from "./accessLogExport.ts";
import { applicationTotalsRoute, applyRoute, closeApplicationRoute, getApplicationRoute } from "./applications.ts";
import { backupRoute } from "./backup.ts";
import { getScenarioRoute, getTypeRoute, listScenariosRoute, listTypesRoute } from "./catalogue.ts";
import {
  breachRoute,
  checkCommitmentRoute,
  figuresRoute,
  getCommitmentRoute,
  producedRoute,
  recordCommitmentRoute,
} from "./commitments.ts";
import { federationAccessLogRoute, federationQueryRoute } from "./federation.ts";
import { publicCatalogueRoute, publicFiguresRoute, publicLogCommitmentsRoute, publicStatusRoute } from "./public.ts";
import { disclosureRoute, getRecordRoute, issueRoute, revokeRoute, supersedeRoute } from "./records.ts";
import { issueSelfServiceTokenRoute, selfServiceAccessesRoute, selfServiceDisclosureRoute } from "./selfService.ts";
import { verifyRoute } from "./verify.ts";

// biome-ignore lint/suspicious/noExplicitAny: route declarations differ in body and query types.
export const ROUTES: readonly RouteSpec<any, any, any>[] = [
  issueRoute,
  getRecordRoute,
  disclosureRoute,
  revokeRoute,
  supersedeRoute,
  verifyRoute,
  listTypesRoute,
  getTypeRoute,
  listScenariosRoute,
  getScenarioRoute,
  applyRoute,
  getApplicationRoute,
  closeApplicationRoute,
  applicationTotalsRoute,
  recordCommitmentRoute,
  getCommitmentRoute,
  checkCommitmentRoute,
  producedRoute,
  breachRoute,
  figuresRoute,
  federationQueryRoute,
  listAccessLogRoute,
  auditAccessLogRoute,
  exportAccessLogRoute,
  commitAccessLogRoute,
  myAccessLogRoute,
  issueSelfServiceTokenRoute,
  selfServiceAccessesRoute,
  selfServiceDisclosureRoute,
  federationAccessLogRoute,
  publicStatusRoute,
  publicCatalogueRoute,
  publicLogCommitmentsRoute,
  publicFiguresRoute,
  backupRoute,
];
