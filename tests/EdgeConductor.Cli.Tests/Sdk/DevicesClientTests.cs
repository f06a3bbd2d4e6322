using System.Text.Json;
using EdgeConductor.Cli.Tests.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Devices;

namespace EdgeConductor.Cli.Tests.Sdk;

[Collection(ServerCollection.Name)]
public sealed class DevicesClientTests(ServerFixture server)
{
    [Fact]
    public async Task RegisterAsync_NewSerial_ReturnsSecretOnce_ThenIsIdempotent()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var first = await ec.Devices.RegisterAsync(new RegisterDeviceRequest("SDK-REG-1", "EC-CLIMATE-V1", "1.2.0"));
        var again = await ec.Devices.RegisterAsync("SDK-REG-1", "EC-CLIMATE-V1");

        Assert.True(first.Created);
        await server.AssertDeviceSecretWorksAsync("SDK-REG-1", first.DeviceSecret);
        Assert.Equal("SDK-REG-1", first.SerialNo);
        Assert.Equal("1.2.0", first.FwVersion);
        Assert.Equal(org.Id, first.OrgId);
        Assert.False(again.Created);
        Assert.Null(again.DeviceSecret);
        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public async Task RegisterAsync_SerialOfAnotherOrg_Throws409()
    {
        var a = await server.CreateOrgAsync();
        var b = await server.CreateOrgAsync();
        using var ecA = server.Client(a.ApiKey);
        using var ecB = server.Client(b.ApiKey);
        await ecA.Devices.RegisterAsync("SDK-OWNED-1", "tracker");

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ecB.Devices.RegisterAsync("SDK-OWNED-1", "tracker"));

        Assert.Equal(409, ex.Status);
        Assert.Equal("CONFLICT", ex.Code);
        Assert.Contains("already registered", ex.Detail);
    }

    [Fact]
    public async Task RegisterAsync_InvalidSerial_Throws400WithFieldErrors()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Devices.RegisterAsync("bad serial!", "tracker"));

        Assert.Equal(400, ex.Status);
        Assert.Equal("BAD_REQUEST", ex.Code);
        Assert.True(ex.Errors.ContainsKey("serial_no"));
    }

    [Fact]
    public async Task ListGetAssignDelete_RoundTrip()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        using var admin = server.Client(server.AdminToken);
        await ec.Devices.RegisterAsync("SDK-LIST-1", "tracker");
        await ec.Devices.RegisterAsync("SDK-LIST-2", "climate");
        var room = await admin.Orgs.CreateRoomAsync(org.Id, new EdgeConductor.Sdk.Orgs.CreateRoomRequest("Lab", "2", "HQ"));

        var all = await ec.Devices.ListAsync();
        var trackers = await ec.Devices.ListAsync(new DeviceListOptions { ProductType = "tracker" });
        var streamed = new List<Device>();
        await foreach (var d in admin.Devices.ListAllAsync(new DeviceListOptions { OrgId = org.Id })) streamed.Add(d);
        var assigned = await ec.Devices.AssignAsync("SDK-LIST-1", new DeviceAssignment(RoomId: room.Id));
        var got = await ec.Devices.GetAsync("SDK-LIST-1");
        var deleted = await ec.Devices.DeleteAsync("SDK-LIST-2");
        var missing = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Devices.GetAsync("SDK-LIST-2"));

        Assert.Equal(["SDK-LIST-1", "SDK-LIST-2"], all.Select(d => d.SerialNo).Order());
        Assert.Equal(["SDK-LIST-1"], trackers.Select(d => d.SerialNo));
        Assert.Equal(2, streamed.Count);
        Assert.Equal(room.Id, assigned.RoomId);
        Assert.Equal(room.Id, got.RoomId);
        Assert.Equal(JsonValueKind.Object, got.ShadowReported.ValueKind);
        Assert.True(deleted.Deleted);
        Assert.Equal(404, missing.Status);
        Assert.Equal("NOT_FOUND", missing.Code);
    }

    [Fact]
    public async Task Shadow_PushConfigThenGet_ReportedAndDesiredAreSeparate()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("SDK-SHADOW-1", "EC-CLIMATE-V1");
        await ec.Telemetry.PushAsync("SDK-SHADOW-1", new { temp = 24.5, hum = 60, co2 = 850, bat = 4.1 });

        var pushed = await ec.Devices.PushConfigAsync("SDK-SHADOW-1", new { relay = true, setpoint = 22 });
        var reported = await ec.Devices.GetShadowAsync("SDK-SHADOW-1");
        var full = await ec.Devices.GetFullShadowAsync("SDK-SHADOW-1");

        Assert.True(pushed.Desired.GetProperty("relay").GetBoolean());
        Assert.Equal(22, pushed.Delta.GetProperty("setpoint").GetInt32());
        Assert.Equal(24.5, reported.GetProperty("temp").GetDouble());
        Assert.False(reported.TryGetProperty("relay", out _));
        Assert.Equal(pushed.Version, full.Version);
        Assert.Equal(60, full.Reported.GetProperty("hum").GetInt32());
    }

    [Fact]
    public async Task RebootAsync_ReturnsCommandId()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        await ec.Devices.RegisterAsync("SDK-REBOOT-1", "tracker");

        var result = await ec.Devices.RebootAsync("SDK-REBOOT-1");

        Assert.True(result.Ok);
        Assert.False(string.IsNullOrEmpty(result.CommandId));
    }

    [Fact]
    public async Task AnyCall_WithRevokedKey_Throws401()
    {
        var org = await server.CreateOrgAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.ApiKeys.RevokeAsync(org.ApiKeyId);
        using var ec = server.Client(org.ApiKey);

        var ex = await Assert.ThrowsAsync<EdgeConductorApiException>(() => ec.Devices.ListAsync());

        Assert.Equal(401, ex.Status);
        Assert.Equal("UNAUTHORIZED", ex.Code);
    }

    [Fact]
    public async Task Calls_HonourCancellation()
    {
        var org = await server.CreateOrgAsync();
        using var ec = server.Client(org.ApiKey);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ec.Devices.ListAsync(cancellationToken: cts.Token));
    }
}
