namespace EdgeConductor.Server.Tests.Devices;

/// <summary>Races the registry must win: the unique serial decides, never a 500 or two secrets.</summary>
public abstract class RegistryConcurrencyTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : EcServerFactory
{
    private const string Devices = EcApi.Base + "/devices";

    [Fact]
    public async Task SameSerial_TwoOrgsAtOnce_OneGets201_TheOther409()
    {
        var a = await server.Api.CreateOrgAsync();
        var b = await server.Api.CreateOrgAsync();
        var ka = await server.Api.CreateApiKeyAsync(a.Id);
        var kb = await server.Api.CreateApiKeyAsync(b.Id);
        for (var round = 0; round < 5; round++)
        {
            var serial = Unique.Serial("RACE");
            using var ca = server.Api.Client(ka.Key);
            using var cb = server.Api.Client(kb.Key);
            var body = new { serial_no = serial, product_type = "EC-CLIMATE-V1" };
            var results = await Task.WhenAll(ca.PostJsonAsync($"{Devices}/register", body), cb.PostJsonAsync($"{Devices}/register", body));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], results.Select(r => r.StatusCode).Order().ToArray());
        }
    }

    [Fact]
    public async Task SameSerial_SameOrgManyAtOnce_Exactly201Once_RestAre200WithoutSecret()
    {
        var org = await server.Api.CreateOrgAsync();
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        var serial = Unique.Serial("RACE");
        var tasks = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var c = server.Api.Client(key.Key);
            var r = await c.PostJsonAsync($"{Devices}/register", new { serial_no = serial, product_type = "EC-CLIMATE-V1" });
            return (r.StatusCode, Body: await r.Content.ReadAsStringAsync());
        });
        var results = await Task.WhenAll(tasks);
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(results, r => r.Body.Contains("device_secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentRefreshWithOneToken_ExactlyOneWins_OthersAre401()
    {
        var org = await server.Api.CreateOrgAsync();
        var user = await server.Api.CreateUserAsync(org.Id, "customer");
        var tasks = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var c = server.Api.Client(null);
            return (await c.PostJsonAsync($"{EcApi.Base}/auth/refresh", new { refresh_token = user.Session.RefreshToken })).StatusCode;
        });
        var codes = await Task.WhenAll(tasks);
        // Exactly one winner: none would mean the valid token was refused, two would mean it was reused.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            codes.OrderBy(s => s == HttpStatusCode.OK ? 0 : 1).ToArray());
    }

    [Fact]
    public async Task ManyDevicesRegisteredInParallel_AllListed()
    {
        var org = await server.Api.CreateOrgAsync();
        var key = await server.Api.CreateApiKeyAsync(org.Id);
        var serials = Enumerable.Range(0, 40).Select(i => $"PAR-{org.Slug}-{i:D3}").ToList();
        await Parallel.ForEachAsync(serials, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (s, _) =>
            await server.Api.RegisterDeviceAsync(org.Id, s, bearer: key.Key));
        using var c = server.Api.Client(key.Key);
        var r = await c.GetAsync($"{Devices}?limit=1000");
        var list = await r.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(serials, list.EnumerateArray().Select(d => d.Str("serial_no")).ToList());
        Assert.Equal("40", r.Headers.GetValues("X-Total-Count").Single());
    }
}

public sealed class RegistryConcurrencyTests_Sqlite(EcServerFactory server) : RegistryConcurrencyTests<EcServerFactory>(server);

[Collection(PostgresCollection.Name)]
public sealed class RegistryConcurrencyTests_Postgres(PostgresServerFactory server) : RegistryConcurrencyTests<PostgresServerFactory>(server);
