using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;

namespace EdgeConductor.Server.Tests.Common;

public sealed class CheckTests
{
    [Fact]
    public void Required_TrimsAndLimits()
    {
        Assert.Equal("x", Check.Required("  x ", "f"));
        Assert.Equal("f", Assert.Throws<ApiException>(() => Check.Required("   ", "f")).Errors!.Keys.Single());
        Assert.Throws<ApiException>(() => Check.Required(new string('a', 6), "f", 5));
    }

    [Fact]
    public void Optional_EmptyIsNull()
    {
        Assert.Null(Check.Optional(null, "f"));
        Assert.Null(Check.Optional("  ", "f"));
        Assert.Equal("v", Check.Optional(" v ", "f"));
    }

    [Theory]
    [InlineData("#1a2B3c", true)]
    [InlineData("#123", false)]
    [InlineData("red", false)]
    [InlineData("1a2b3c", false)]
    public void Color(string value, bool ok)
    {
        if (ok) Assert.Equal(value, Check.Color(value, "c"));
        else Assert.Throws<ApiException>(() => Check.Color(value, "c"));
    }

    [Theory]
    [InlineData("https://cdn.example.com/a.png", true)]
    [InlineData("http://x.test", true)]
    [InlineData("ftp://x.test/a", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative.png", false)]
    public void Url(string value, bool ok)
    {
        if (ok) Assert.Equal(value, Check.Url(value, "u"));
        else Assert.Throws<ApiException>(() => Check.Url(value, "u"));
    }

    [Theory]
    [InlineData(null, null, 100, 0)]
    [InlineData(5, 10, 5, 10)]
    [InlineData(1000, 0, 1000, 0)]
    public void Paging_Valid(int? limit, int? offset, int l, int o) => Assert.Equal(new Paging(l, o), Paging.From(limit, offset));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1001, 0)]
    [InlineData(10, -1)]
    public void Paging_Invalid(int limit, int offset) => Assert.Throws<ApiException>(() => Paging.From(limit, offset));

    [Fact]
    public void PatchDocument_TellsAbsentFromNull()
    {
        var doc = new PatchDocument(JsonDocument.Parse("""{"a": null, "b": "x", "n": 3}""").RootElement);
        Assert.True(doc.Has("a"));
        Assert.Null(doc.String("a"));
        Assert.Equal("x", doc.String("b"));
        Assert.False(doc.Has("c"));
        Assert.Equal(3, doc.Int("n", 1, 5));
        Assert.Throws<ApiException>(() => doc.Int("n", 4, 5));
        Assert.Throws<ApiException>(() => doc.String("n"));
        Assert.Throws<ApiException>(() => doc.AllowOnly("a", "b"));
        doc.AllowOnly("a", "b", "n");
    }

    [Fact]
    public void PatchDocument_RequiresAnObject()
    {
        Assert.Throws<ApiException>(() => new PatchDocument(null));
        Assert.Throws<ApiException>(() => new PatchDocument(JsonDocument.Parse("[]").RootElement));
    }

    [Theory]
    [InlineData(400, "BAD_REQUEST")]
    [InlineData(401, "UNAUTHORIZED")]
    [InlineData(403, "FORBIDDEN")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(409, "CONFLICT")]
    [InlineData(429, "RATE_LIMITED")]
    [InlineData(500, "INTERNAL_ERROR")]
    [InlineData(503, "SERVICE_UNAVAILABLE")]
    public void ErrorCodes_ForStatus(int status, string code) => Assert.Equal(code, ErrorCodes.ForStatus(status));

    [Fact]
    public void Secrets_HashIsStableHex_TokensAreUrlSafe()
    {
        Assert.Equal(Secrets.Hash("abc"), Secrets.Hash("abc"));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Secrets.Hash("abc"));
        Assert.True(Secrets.HashEquals(Secrets.Hash("a"), Secrets.Hash("a")));
        Assert.False(Secrets.HashEquals(Secrets.Hash("a"), Secrets.Hash("b")));
        var t = Secrets.NewToken();
        Assert.Equal(43, t.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", t);
        Assert.NotEqual(t, Secrets.NewToken());
    }
}
