using System.Net;
using System.Net.Sockets;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;
using EdgeConductor.Mqtt.Tests.Infrastructure;

namespace EdgeConductor.Mqtt.Tests.Fuzz;

[Collection(MemoryMeasurementCollection.Name)]
public sealed class LiveBrokerFuzzTests
{
    [Fact]
    public async Task Fuzz_ThousandsOfMutatedPacketsAgainstListener_BrokerSurvivesOthersUnaffectedMemoryReturns()
    {
        await using var test = TestBroker.Start(o => o.ConnectTimeout = TimeSpan.FromSeconds(2));
        var subscriber = await test.ConnectAsync("healthy-sub");
        await subscriber.SubscribeAsync("healthy/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await test.ConnectAsync("healthy-pub");

        // Warm up, then take the baseline.
        await RunFuzzAsync(test.Port, seed: 1, cases: 200);
        await TestExtensions.WaitUntilAsync(() => test.Listener.ConnectionCount == 2, TimeSpan.FromSeconds(15));
        var baseline = HeapMeasurement.Live();

        // A fixed number of cases, however long they take: how many run per second is a benchmark's business
        // (bench/), not a test's. The healthy pair keeps exchanging, one message at a time, until the fuzzing is done.
        var fuzzing = RunFuzzAsync(test.Port, seed: 42, cases: 3000);
        var healthy = Task.Run(async () =>
        {
            var i = 0;
            do
            {
                Assert.Equal(MqttReasonCode.Success, await publisher.PublishAsync("healthy/x", i.ToString(), MqttQualityOfService.AtLeastOnce));
                Assert.Equal(i.ToString(), (await subscriber.ReceiveAsync()).Text());
                i++;
            }
            while (!fuzzing.IsCompleted);

            return i;
        });

        var sent = await fuzzing;
        var exchanged = await healthy;
        Assert.Equal(3000, sent);
        Assert.True(exchanged > 0);

        await TestExtensions.WaitUntilAsync(() => test.Listener.ConnectionCount == 2, TimeSpan.FromSeconds(15), "fuzz connections cleaned up");
        Assert.Equal(2, test.Broker.ConnectedClientCount);
        Assert.Empty(test.Errors);

        // Still fully functional for a new client.
        var late = await test.ConnectAsync("after-fuzz");
        await late.SubscribeAsync("after/#", MqttQualityOfService.ExactlyOnce);
        await publisher.PublishAsync("after/x", "ok", MqttQualityOfService.ExactlyOnce);
        Assert.Equal("ok", (await late.ReceiveAsync()).Text());

        const long limit = 12 * 1024 * 1024;
        var after = await HeapMeasurement.SettledAsync(baseline, limit);
        var stats = test.Broker.GetStatistics();
        Console.WriteLine($"fuzz: {sent} cases, heap {baseline / 1024} KB -> {after / 1024} KB, {stats}");
        Assert.True(after - baseline < limit, $"heap {baseline / 1024} KB -> {after / 1024} KB; {stats}");
    }

    private static async Task<int> RunFuzzAsync(int port, int seed, int cases)
    {
        var next = 0;
        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var mutator = new PacketMutator(seed * 100 + w);
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                if (index > cases)
                {
                    return;
                }

                await OneCaseAsync(port, mutator, index);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return Math.Min(next, cases);
    }

    private static async Task OneCaseAsync(int port, PacketMutator mutator, int index)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var payload = new List<byte>();
        var mode = index % 4;
        if (mode != 0)
        {
            // Most cases start with a valid CONNECT so the mutated packet reaches the session layer.
            var version = mode == 1 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;
            payload.AddRange(MqttPacketWriter.ToArray(new ConnectPacket { ProtocolVersion = version, ClientId = "fuzz-" + index, KeepAlive = 5 }, version));
        }

        var packets = mutator.Random.Next(1, 4);
        for (var i = 0; i < packets; i++)
        {
            payload.AddRange(mutator.Next());
        }

        try
        {
            await socket.SendAsync(payload.ToArray(), SocketFlags.None);
            var buffer = new byte[4096];
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(40));
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // Closed by the broker or our own timeout: both fine.
        }
    }
}
