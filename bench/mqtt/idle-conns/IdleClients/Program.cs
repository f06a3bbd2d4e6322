using System.Net;
using System.Net.Sockets;
using System.Text;

// Opens N idle MQTT 3.1.1 connections (CONNECT, keep-alive 0, wait for CONNACK) and holds them until STOP_FILE exists.
// Usage: IdleClients PORT N SOURCE_ADDRESSES STOP_FILE
// Client sockets are spread over 127.0.0.2..127.0.0.(1+SOURCE_ADDRESSES) so ephemeral ports never run short.
var port = int.Parse(args[0]);
var count = int.Parse(args[1]);
var sources = int.Parse(args[2]);
var stopFile = args[3];
var sockets = new Socket[count];
var failures = 0;
var next = -1;

static byte[] Connect(string clientId)
{
    var id = Encoding.UTF8.GetBytes(clientId);
    var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x02, 0, 0, (byte)(id.Length >> 8), (byte)id.Length };
    body.AddRange(id);
    return [0x10, (byte)body.Count, .. body];
}

var started = DateTime.UtcNow;
var workers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
{
    var ack = new byte[4];
    while (true)
    {
        var i = Interlocked.Increment(ref next);
        if (i >= count)
        {
            return;
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse($"127.0.0.{2 + (i % sources)}"), 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await socket.SendAsync(Connect($"idle-{Path.GetFileName(stopFile)}-{i}"));
            var read = 0;
            while (read < 4)
            {
                var n = await socket.ReceiveAsync(ack.AsMemory(read));
                if (n == 0)
                {
                    throw new IOException("closed");
                }

                read += n;
            }

            if (ack[0] != 0x20 || ack[3] != 0)
            {
                throw new IOException("refused");
            }

            sockets[i] = socket;
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            if (Interlocked.Increment(ref failures) <= 3) Console.Error.WriteLine($"connection {i}: {ex.GetType().Name}: {ex.Message}");
            socket.Dispose();
        }
    }
})).ToArray();
await Task.WhenAll(workers);
Console.WriteLine($"connected {count - failures} of {count} in {(DateTime.UtcNow - started).TotalSeconds:F1}s (failures {failures})");
Console.Out.Flush();

// Hold until the controlling script asks us to stop.
while (!File.Exists(stopFile))
{
    await Task.Delay(200);
}

foreach (var s in sockets)
{
    s?.Dispose();
}
