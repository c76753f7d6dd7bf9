// One log line and one duration sample per request, named by its route pattern and department, never by its path:
// a path segment can be an ID number, and a caller's key is not a fact about the request.
import type { NextFunction, Request, Response } from "express";
import type { GatewayServices } from "../services.ts";
import { requestIdOf } from "./problem.ts";

/**
 * Times every request; logs those refused (status >= 400), and every one at debug level. The route pattern and the
 * department code are what the handlers put in `res.locals` (`route`, `department`), so that a request refused before
 * any route (a wrong method, a path no route serves) still names the department its path names, when it is hosted.
 */
export function requestLog(services: Pick<GatewayServices, "logger" | "metrics">) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (res.locals.route as string | undefined) ?? "unmatched";
      services.metrics.observe("oncechain_http_request_duration_seconds", "HTTP request duration", seconds, {
        method: req.method,
        route,
        status: String(res.statusCode),
      });
      // A refusal the handler logs its own way (a key past its quota, once a minute) is not logged again here.
      if ((res.statusCode >= 400 && !res.locals.unlogged) || services.logger.isLevelEnabled("debug")) {
        services.logger.info(
          {
            method: req.method,
            route,
            department: res.locals.department as string | undefined,
            status: res.statusCode,
            ms: Math.round(seconds * 1000),
            requestId: requestIdOf(res),
          },
          "request",
        );
      }
    });
    next();
  };
}
