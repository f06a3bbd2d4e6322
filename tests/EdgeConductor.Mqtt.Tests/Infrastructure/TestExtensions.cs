using System.Text;
using EdgeConductor.Mqtt.Client;

namespace EdgeConductor.Mqtt.Tests.Infrastructure;

internal static class TestExtensions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task<MqttReceivedMessage> ReceiveAsync(this MqttClient client, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        return await client.Messages.ReadAsync(cts.Token);
    }

    public static async Task<MqttReceivedMessage?> TryReceiveAsync(this MqttClient client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await client.Messages.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static string Text(this MqttReceivedMessage message) => Encoding.UTF8.GetString(message.Payload.Span);

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in time" + (because is null ? "." : ": " + because));
            }

            await Task.Delay(10);
        }
    }
}
