using System.Net;
using System.Net.Sockets;
using System.Text;

// Opens N idle MQTT 3.1.1 connections (CONNECT, keep-alive 0, wait for CONNACK) and holds them until STOP_FILE exists.
// Usage: IdleClients PORT N SOURCE_ADDRESSES STOP_FILE [CREDENTIALS_FILE [FIRST]]
//        IdleClients register HTTP_BASE EMAIL PASSWORD COUNT OUT_FILE   (see Register.cs)
// Client sockets are spread over 127.0.0.2..127.0.0.(1+SOURCE_ADDRESSES) so ephemeral ports never run short.
// With CREDENTIALS_FILE ("serial secret" lines), connection i is device line FIRST+i: client id and user name = serial,
// password = secret (a real device connection to the EdgeConductor server); without it, anonymous clients.
if (args[0] == "register")
{
    return await Register.RunAsync(args);
}

var port = int.Parse(args[0]);
var count = int.Parse(args[1]);
var sources = int.Parse(args[2]);
var stopFile = args[3];
var credentials = args.Length > 4 ? File.ReadAllLines(args[4]).Skip(args.Length > 5 ? int.Parse(args[5]) : 0).Take(count).Select(l => l.Split(' ')).ToArray() : null;
if (credentials is not null && credentials.Length < count)
{
    Console.Error.WriteLine($"only {credentials.Length} credentials for {count} connections");
    return 2;
}
var sockets = new Socket[count];
var failures = 0;
var next = -1;

static byte[] Connect(string clientId, string? user, string? password)
{
    static void Field(List<byte> body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        body.Add((byte)(bytes.Length >> 8));
        body.Add((byte)bytes.Length);
        body.AddRange(bytes);
    }

    var flags = (byte)(0x02 | (user is null ? 0 : 0xC0));
    var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, flags, 0, 0 };
    Field(body, clientId);
    if (user is not null)
    {
        Field(body, user);
        Field(body, password!);
    }

    // Remaining length as a variable byte integer (MQTT 3.1.1 §2.2.3).
    var header = new List<byte> { 0x10 };
    var length = body.Count;
    do
    {
        var b = (byte)(length % 128);
        length /= 128;
        header.Add(length > 0 ? (byte)(b | 0x80) : b);
    }
    while (length > 0);
    return [.. header, .. body];
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
            await socket.SendAsync(credentials is null
                ? Connect($"idle-{Path.GetFileName(stopFile)}-{i}", null, null)
                : Connect(credentials[i][0], credentials[i][0], credentials[i][1]));
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
                throw new IOException($"refused (CONNACK return code {ack[3]})");
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

return 0;
