// Requests Node's HTTP parser refuses before express sees them (bad framing, oversized headers, raw bytes in the
// request target): answered with a problem document, as the routes answer theirs, where the socket still allows one.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { ErrorCode } from "../errors/codes.ts";
import { GatewayError } from "../errors/GatewayError.ts";
import { newRequestId, PROBLEM_MEDIA_TYPE, problemDocument } from "./problem.ts";

/** Parser errors with a status of their own (Node's defaults); every other one is a 400. */
const CODES: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: "REQUEST_HEADERS_TOO_LARGE",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "PAYLOAD_TOO_LARGE",
  ERR_HTTP_REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  HPE_INVALID_URL: "MALFORMED_PATH",
};

/** How long a refused connection may stay half-open for the client to read the answer before it is cut. */
const LINGER_MS = 2_000;

/** A listener for the server's `clientError` event. */
export function answerClientError(logger: Logger): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    // What Node itself checks before answering: a socket that can still be written and has not begun a response.
    if (error.code === "ECONNRESET" || !socket.writable || socket.bytesWritten > 0) {
      socket.destroy();
      return;
    }
    const code = CODES[error.code ?? ""] ?? "MALFORMED_REQUEST";
    const problem = new GatewayError(code, code === "MALFORMED_PATH" ? { field: "path" } : {});
    const requestId = newRequestId();
    const body = JSON.stringify(problemDocument(problem, requestId));
    logger.info({ route: "unparsed", status: problem.status, code, requestId }, "request");
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
