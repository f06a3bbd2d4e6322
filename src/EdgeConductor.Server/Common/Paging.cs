using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Common;

/// <summary>limit/offset query parameters, validated.</summary>
public readonly record struct Paging(int Limit, int Offset)
{
    public static Paging From(int? limit, int? offset, int defaultLimit = 100, int maxLimit = 1000)
    {
        var l = limit ?? defaultLimit;
        var o = offset ?? 0;
        if (l < 1 || l > maxLimit) throw ApiException.Invalid("limit", $"must be between 1 and {maxLimit}");
        if (o < 0) throw ApiException.Invalid("offset", "must be 0 or more");
        return new Paging(l, o);
    }
}
