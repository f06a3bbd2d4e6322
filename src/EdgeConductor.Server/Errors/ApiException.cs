namespace EdgeConductor.Server.Errors;

/// <summary>
/// An error meant for the client: turned into application/problem+json by <see cref="ProblemExceptionHandler"/>.
/// </summary>
public sealed class ApiException : Exception
{
    public int Status { get; }
    public string Code { get; }
    public IReadOnlyDictionary<string, string[]>? Errors { get; }
    public TimeSpan? RetryAfter { get; init; }

    public ApiException(int status, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        Errors = errors;
    }

    public static ApiException BadRequest(string detail) => new(400, ErrorCodes.BadRequest, detail);

    public static ApiException Invalid(string field, string message) =>
        new(400, ErrorCodes.BadRequest, $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] });

    public static ApiException NotFound(string detail) => new(404, ErrorCodes.NotFound, detail);
    public static ApiException Conflict(string detail) => new(409, ErrorCodes.Conflict, detail);
    public static ApiException Forbidden(string detail = "You do not have permission for this action.") =>
        new(403, ErrorCodes.Forbidden, detail);
    public static ApiException Unauthorized(string detail) => new(401, ErrorCodes.Unauthorized, detail);

    /// <summary>429 with Retry-After.</summary>
    public static ApiException RateLimited(string detail, TimeSpan retryAfter) =>
        new(429, ErrorCodes.RateLimited, detail) { RetryAfter = retryAfter };
}
