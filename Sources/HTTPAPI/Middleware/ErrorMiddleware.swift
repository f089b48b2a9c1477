import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Recorder

/// Turns every error into the contract's JSON: our own errors keep their status and code, Hummingbird's
/// (unknown route, body too large, bad percent-encoding) get a matching code, a body the HTTP parser
/// refuses midway (a malformed chunk) is the client's 400, anything else is a 500 without internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as RecorderError {
            return APIError(error).response()
        } catch let error as HTTPError {
            return Self.translate(error).response()
        } catch is NIOTooManyBytesError {
            // A chunked body passing the limit while it is collected (a declared Content-Length is refused up front).
            return Self.translate(HTTPError(.contentTooLarge)).response()
        } catch let error as HTTPParserError {
            context.logger.debug("malformed request body", metadata: ["error": "\(error)"])
            var response = APIError.badRequest("malformed_body", "The request body is not valid HTTP/1.1 framing (\(error)).").response()
            response.headers[.connection] = "close"
            return response
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.internalServerError, code: "internal_error", "streamd could not answer this request; the daemon log has the details.").response()
        }
    }

    static func translate(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound:
            APIError(.notFound, code: "not_found", "Nothing is served at this path.")
        case .contentTooLarge:
            APIError(.contentTooLarge, code: "body_too_large", "The request body is larger than the 64 KiB limit.")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, code: "method_not_allowed", "This method is not supported on this path.")
        case .badRequest:
            APIError(.badRequest, code: "bad_request", error.body ?? "The request is malformed.")
        default:
            APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                     error.body ?? error.status.reasonPhrase)
        }
    }
}
