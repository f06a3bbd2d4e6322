using System.Net;
using System.Net.Sockets;

namespace EdgeConductor.Testing;

/// <summary>
/// Free loopback ports for servers a test starts. Not port 0's pick: those come from the kernel's ephemeral range
/// (32768–60999 here), the same range every outgoing connection takes its local port from, and the suite opens thousands
/// (the MQTT fuzz tests alone open 5,000) in parallel test processes — so a port picked that way and bound a moment later
/// was at times already some connection's local port ("address already in use"). These come from below that range,
/// at random, each checked by binding it and claimed across processes with a lock file (<see cref="Reserve"/>).
/// </summary>
public static class TestPorts
{
    private const int First = 20_000, Last = 32_000;
    private static readonly HashSet<int> Given = [];

    public static int[] Free(int count)
    {
        var ports = new int[count];
        lock (Given)
        {
            for (var i = 0; i < count; i++)
            {
                ports[i] = Pick();
            }
        }

        return ports;
    }

    public static int Free() => Free(1)[0];

    private static int Pick()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (Given.Contains(port) || !CanBind(port) || !Reserve(port)) continue;
            Given.Add(port); // never hand the same port out twice in this process
            return port;
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{Last}");
    }

    private static readonly List<FileStream> Reservations = [];

    /// <summary>
    /// Claims <paramref name="port"/> across processes: test projects run in parallel processes (and a second suite may run
    /// beside this one), and between "free now" and the server's bind another process could pick the same port. An
    /// exclusive lock on a file named for the port (held until this process ends; the OS drops it even on a crash) makes
    /// every other process skip it.
    /// </summary>
    private static bool Reserve(int port)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ec-test-ports");
        try
        {
            Directory.CreateDirectory(dir);
            Reservations.Add(new FileStream(Path.Combine(dir, port + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (IOException)
        {
            return false; // held by another process
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
