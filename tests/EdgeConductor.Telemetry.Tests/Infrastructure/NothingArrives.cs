namespace EdgeConductor.Telemetry.Tests.Infrastructure;

/// <summary>
/// "Nothing arrived" for a mosquitto_sub subscriber, proven rather than assumed. A subscriber that never connected, never
/// subscribed or died also receives nothing, so a negative delivery test:
/// <list type="number">
/// <item>waits for mosquitto_sub's SUBACK ("Subscribed (mid: n): codes", printed with -d) and checks its codes;</item>
/// <item>listens for <see cref="Window"/> and checks that nothing unwanted was printed;</item>
/// <item>sends a control message the subscriber must receive, and waits for it: so the subscriber was connected and
/// subscribed for the whole window, and anything the server had sent in it would be in its output;</item>
/// <item>checks that mosquitto_sub (started with <c>count: 1</c>, so the control message ends it) exits 0 with nothing
/// unwanted in its output.</item>
/// </list>
/// </summary>
internal static class NothingArrives
{
    /// <summary>
    /// How long a negative test listens before its control message. A message the server would send (an outstanding delta or
    /// command on subscribe, a live publish) reaches a local subscriber in milliseconds; 1.5 s is over a hundred times that,
    /// enough when a loaded 2-core machine stalls a process for a few hundred milliseconds, and short enough for the suite's
    /// time budget. The control message sent after it also travels the same connection, so a slower unwanted message sent
    /// before it would still be seen ahead of it.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Waits for the SUBACK and checks its reason codes: <paramref name="expectedCodes"/> exactly (e.g. "135, 1") when given,
    /// else every subscription granted (each code below 0x80). Returns the SUBACK line.
    /// </summary>
    public static async Task<string> WaitForSubAckAsync(this RunningTool sub, string? expectedCodes = null)
    {
        var line = await sub.WaitForLineAsync(l => l.StartsWith("Subscribed (mid:", StringComparison.Ordinal), what: "mosquitto_sub's SUBACK");
        var codes = line[(line.IndexOf("):", StringComparison.Ordinal) + 2)..].Trim();
        if (expectedCodes is not null)
        {
            Assert.True(codes == expectedCodes, $"SUBACK codes {codes}, expected {expectedCodes}\n{sub.Describe()}");
        }
        else
        {
            foreach (var code in codes.Split(',', StringSplitOptions.TrimEntries))
                Assert.True(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) < 0x80, $"a subscription was refused ({line})\n{sub.Describe()}");
        }
        return line;
    }

    /// <summary>
    /// Proves that the subscriber receives nothing matching <paramref name="unwanted"/>: SUBACK (see
    /// <see cref="WaitForSubAckAsync"/>), <see cref="Window"/>, then <paramref name="sendControl"/> and its message
    /// (<paramref name="control"/>) must arrive, and mosquitto_sub must exit 0. Start the subscriber with <c>count: 1</c>.
    /// </summary>
    public static async Task AssertNothingArrivesAsync(this RunningTool sub, Func<string, bool> unwanted, Func<Task> sendControl,
        Func<string, bool> control, string? expectedSubAckCodes = null)
    {
        await sub.WaitForSubAckAsync(expectedSubAckCodes);
        await Task.Delay(Window);
        Assert.False(sub.Lines.Any(unwanted), $"an unwanted message arrived within the window\n{sub.Describe()}");

        await sendControl();
        await sub.WaitForLineAsync(control, what: "the control message (proof that the subscriber was listening)");
        var exit = await sub.WaitForExitAsync();
        Assert.True(exit == 0, $"mosquitto_sub exited {exit}\n{sub.Describe()}");
        Assert.False(sub.Lines.Any(unwanted), $"an unwanted message arrived\n{sub.Describe()}");
    }
}
