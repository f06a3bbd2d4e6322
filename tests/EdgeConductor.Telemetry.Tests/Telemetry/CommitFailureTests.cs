using System.Data.Common;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeConductor.Mqtt.Client;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Server.Telemetry;
using EdgeConductor.Telemetry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeConductor.Telemetry.Tests.Telemetry;

/// <summary>
/// A commit that <see cref="ITelemetryCommit"/> lets pass or makes fail with a real database error: while
/// <see cref="Failing"/> is on, the writer's transaction runs a statement the engine refuses (no such table) instead of
/// COMMIT, so the batch is rolled back exactly as when the disk or the database server fails at commit time.
/// </summary>
internal sealed class FailingTelemetryCommit : ITelemetryCommit
{
    private volatile bool _failing;
    private int _failures;

    /// <summary>While true, every group commit fails with the engine's own error.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>Commits that were made to fail (proves the fault was actually hit).</summary>
    public int Failures => Volatile.Read(ref _failures);

    public async Task CommitAsync(DbTransaction tx)
    {
        if (!_failing)
        {
            await tx.CommitAsync();
            return;
        }
        Interlocked.Increment(ref _failures);
        await using var cmd = tx.Connection!.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT * FROM ec_injected_commit_failure";
        await cmd.ExecuteNonQueryAsync(); // throws SqliteException / PostgresException: the table does not exist
        throw new InvalidOperationException("The injected commit failure did not fail.");
    }
}

/// <summary>A server of its own whose telemetry commit the test can make fail (<see cref="FailingTelemetryCommit"/>).</summary>
public sealed class CommitFailureFixture : IAsyncLifetime
{
    internal FailingTelemetryCommit Commit { get; } = new();
    internal EcServer Server { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = new EcServer(services: s => s.AddSingleton<ITelemetryCommit>(Commit)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The central durability promise, tested directly: an acknowledgement (MQTT PUBACK / PUBREC, HTTP 2xx) means the message
/// is committed. When the commit fails, no acknowledgement is sent, the client sees the error, and nothing is stored.
/// Each test first proves the path acknowledges when the commit works (a control message on the same connection).
/// A server that acknowledges before committing fails every test here.
/// </summary>
public sealed class CommitFailureTests(CommitFailureFixture fixture) : IClassFixture<CommitFailureFixture>, IDisposable
{
    private EcServer Server => fixture.Server;

    public void Dispose() => fixture.Commit.Failing = false;

    private static async Task<JsonArray> HistoryAsync(TestDevice d) => (JsonArray)await d.Org.GetAsync($"devices/{d.Serial}/telemetry");

    private static IEnumerable<int> Values(JsonArray history) => history.Select(h => h!["n"]!.GetValue<int>()).Order();

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfService.ExactlyOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfService.ExactlyOnce)]
    public async Task Mqtt_CommitFails_NoAcknowledgement_ClientSeesTheError_NothingStored(MqttProtocolVersion version, MqttQualityOfService qos)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var disconnected = new TaskCompletionSource<MqttReasonCode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1", Port = Server.MqttPort, ProtocolVersion = version, UserName = d.Serial, Password = Encoding.UTF8.GetBytes(d.Secret),
        });
        client.Disconnected = (reason, _) => disconnected.TrySetResult(reason);
        await client.ConnectAsync();
        // Control: with the commit working, this connection gets its acknowledgement and the message is stored at once.
        Assert.Equal(MqttReasonCode.Success, await client.PublishAsync(d.Topic("telemetry"), """{"n":1}""", qos));
        Assert.Equal([1], Values(await HistoryAsync(d)));

        fixture.Commit.Failing = true;
        var failuresBefore = fixture.Commit.Failures;
        // No PUBACK (QoS 1) and no PUBREC/PUBCOMP (QoS 2): the publish ends with the connection, never with Success.
        var error = await Assert.ThrowsAsync<MqttClientException>(() => client.PublishAsync(d.Topic("telemetry"), """{"n":2}""", qos));
        var reason = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(fixture.Commit.Failures > failuresBefore, "the commit fault was never hit");
        if (version == MqttProtocolVersion.V500)
        {
            // v5: the server says why it closes: DISCONNECT 0x80 (unspecified error), a reason code >= 0x80.
            Assert.Equal(MqttReasonCode.UnspecifiedError, reason);
            Assert.Equal(MqttReasonCode.UnspecifiedError, error.ReasonCode);
        }
        else
        {
            // v3.1.1 has no negative acknowledgement: the connection is closed without a DISCONNECT from the server.
            Assert.Null(reason);
        }
        Assert.False(client.IsConnected);

        fixture.Commit.Failing = false;
        Assert.Equal([1], Values(await HistoryAsync(d))); // rolled back: the failed message is not stored
    }

    /// <summary>mosquitto_pub -d prints every acknowledgement it receives ("received PUBACK", "received PUBREC").</summary>
    [Theory]
    [InlineData(311, 1)]
    [InlineData(311, 2)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public async Task MosquittoPub_CommitFails_NoPubAckOrPubRec_AndItFails(int version, int qos)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        var ackLine = qos == 1 ? "received PUBACK" : "received PUBREC";
        var ok = await Mosquitto.PublishAsync(d, "telemetry", """{"n":1}""", qos, version);
        Assert.True(ok.ExitCode == 0 && ok.Stdout.Contains(ackLine, StringComparison.Ordinal), ok.ToString());
        Assert.Equal([1], Values(await HistoryAsync(d)));

        fixture.Commit.Failing = true;
        var failed = await Mosquitto.PublishAsync(d, "telemetry", """{"n":2}""", qos, version);
        Assert.True(failed.ExitCode != 0, failed.ToString());
        Assert.DoesNotContain("received PUBACK", failed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("received PUBREC", failed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("received PUBCOMP", failed.Output, StringComparison.Ordinal);

        fixture.Commit.Failing = false;
        Assert.Equal([1], Values(await HistoryAsync(d)));
    }

    /// <summary>The paho helper must fail loudly (exit 7, "no PUBACK") when the acknowledgement never comes.</summary>
    [Theory]
    [InlineData("311", 1)]
    [InlineData("5", 1)]
    [InlineData("5", 2)]
    public async Task Paho_CommitFails_NoAcknowledgement_HelperFailsLoudly(string version, int qos)
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        List<string> Args(int n) => ["--port", Server.MqttPort.ToString(), "--protocol", version, "--user", d.Serial, "--password", d.Secret,
            "--qos", qos.ToString(), "--pub", d.Topic("telemetry"), $$"""{"n":{{n}}}""", "--timeout", "10"];
        var ok = await ExternalTool.PahoAsync(Args(1));
        Assert.True(ok.ExitCode == 0 && ok.Stdout.Contains("\"published\"", StringComparison.Ordinal), ok.ToString());
        Assert.Equal([1], Values(await HistoryAsync(d)));

        fixture.Commit.Failing = true;
        var failed = await ExternalTool.PahoAsync(Args(2));
        Assert.True(failed.ExitCode == 7, failed.ToString());
        Assert.Contains("\"error\"", failed.Stdout);
        Assert.DoesNotContain("\"published\"", failed.Stdout);

        fixture.Commit.Failing = false;
        Assert.Equal([1], Values(await HistoryAsync(d)));
    }

    [Fact]
    public async Task HttpPost_CommitFails_Is5xxProblem_NotStored()
    {
        var d = await (await TestOrg.CreateAsync(Server)).DeviceAsync();
        using var http = Server.Http();
        using (var ok = await http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"n":1}""", d.Secret))
            Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        Assert.Equal([1], Values(await HistoryAsync(d)));

        fixture.Commit.Failing = true;
        var failuresBefore = fixture.Commit.Failures;
        using (var failed = await http.PostRawAsync($"devices/{d.Serial}/telemetry", """{"n":2}""", d.Secret))
        {
            var body = await failed.Content.ReadAsStringAsync();
            Assert.True((int)failed.StatusCode is >= 500 and < 600, $"{(int)failed.StatusCode}: {body}");
            Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
            Assert.Equal((int)failed.StatusCode, JsonNode.Parse(body)!["status"]!.GetValue<int>());
        }
        Assert.True(fixture.Commit.Failures > failuresBefore, "the commit fault was never hit");

        fixture.Commit.Failing = false;
        Assert.Equal([1], Values(await HistoryAsync(d)));
    }
}
