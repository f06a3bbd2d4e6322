namespace EdgeConductor.Server.Errors;

/// <summary>The machine-readable <c>code</c> member of every problem response.</summary>
public static class ErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string UriTooLong = "URI_TOO_LONG";
    public const string HeadersTooLarge = "HEADERS_TOO_LARGE";
    public const string Timeout = "REQUEST_TIMEOUT";
    public const string RateLimited = "RATE_LIMITED";
    public const string Internal = "INTERNAL_ERROR";
    public const string Unavailable = "SERVICE_UNAVAILABLE";
    public const string Gone = "GONE";

    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        408 => Timeout,
        413 => PayloadTooLarge,
        414 => UriTooLong,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        431 => HeadersTooLarge,
        503 => Unavailable,
        >= 500 => Internal,
        _ => BadRequest,
    };
}
