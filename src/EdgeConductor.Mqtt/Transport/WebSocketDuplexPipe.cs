using System.IO.Pipelines;
using System.Net.WebSockets;

namespace EdgeConductor.Mqtt.Transport;

/// <summary>
/// MQTT over WebSocket: adapts a <see cref="WebSocket"/> (subprotocol <c>mqtt</c>, binary frames) to an
/// <see cref="IDuplexPipe"/> for <see cref="Broker.MqttBroker.RunConnectionAsync"/>. MQTT packets may span frames.
/// </summary>
public sealed class WebSocketDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    /// <summary>The WebSocket subprotocol to negotiate.</summary>
    public const string SubProtocol = "mqtt";

    private readonly WebSocket _webSocket;
    private readonly Pipe _input = new(new PipeOptions(useSynchronizationContext: false, minimumSegmentSize: 4096));
    private readonly Pipe _output = new(new PipeOptions(useSynchronizationContext: false, minimumSegmentSize: 4096));
    private readonly CancellationTokenSource _cts = new();
    private Task? _receiveTask;
    private Task? _sendTask;

    public WebSocketDuplexPipe(WebSocket webSocket)
    {
        _webSocket = webSocket;
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    /// <summary>Starts pumping frames; call before handing the pipe to the broker.</summary>
    public void Start()
    {
        _receiveTask ??= ReceiveLoopAsync();
        _sendTask ??= SendLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var result = await _webSocket.ReceiveAsync(memory, _cts.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.MessageType != WebSocketMessageType.Binary)
                {
                    error = new IOException("MQTT over WebSocket requires binary frames.");
                    break;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            // The peer closed TCP without a close frame (paho after DISCONNECT does): that is the end of its data, not an
            // error — completing with an error would make the reader throw before the broker has read what is buffered.
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            error = ex is OperationCanceledException ? null : new IOException(ex.Message, ex);
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    var position = buffer.Start;
                    while (buffer.TryGet(ref position, out var segment))
                    {
                        var last = position.GetObject() is null;
                        await _webSocket.SendAsync(segment, WebSocketMessageType.Binary, last, _cts.Token).ConfigureAwait(false);
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            if (_webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // Peer is gone.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _input.Writer.CancelPendingFlush();
            await _cts.CancelAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Let the send loop flush what the broker wrote last (a refusing CONNACK, a DISCONNECT) before tearing down:
        // cancelling a WebSocket operation aborts the socket, and those bytes would never leave.
        if (_sendTask is not null)
        {
            try
            {
                await _sendTask.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        _output.Reader.CancelPendingRead();
        if (_receiveTask is not null)
        {
            await _receiveTask.ConfigureAwait(false);
        }

        if (_sendTask is not null)
        {
            await _sendTask.ConfigureAwait(false);
        }

        _webSocket.Dispose();
        _cts.Dispose();
    }
}
