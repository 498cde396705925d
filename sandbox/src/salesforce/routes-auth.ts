import { z } from "zod";
import { kind, type RouteContext } from "./http.js";

const tokenParams = z.record(z.string(), z.string());

/** `POST /services/oauth2/token`: form-encoded `refresh_token` and `client_credentials` grants. */
export function authRoutes({ app, sandbox }: RouteContext): void {
  app.post("/oauth2/token", kind("token"), async (request, reply) => {
    const fromBody = tokenParams.safeParse(request.body ?? {});
    const params = {
      ...(request.query as Record<string, string>),
      ...(fromBody.success ? fromBody.data : {}),
    };
    const answer = sandbox.auth.grant(params, `${request.protocol}://${request.host}`);
    return reply.code(answer.status).send(answer.body);
  });
}
