namespace EdgeConductor.Mqtt.Tests.Infrastructure;

/// <summary>
/// Live GC heap of the test process, for "memory returns" checks. One forced collection is a snapshot: a connection that is
/// still being torn down, or a background task another test class left running, can hold a few MB for a moment. So a check
/// measures again until the growth is under its limit or the time is up, and fails with the last figure.
/// </summary>
public static class HeapMeasurement
{
    public static long Live()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(true);
    }

    /// <summary>Measures until the heap has grown less than <paramref name="limitBytes"/> over <paramref name="baseline"/>; returns the last reading.</summary>
    public static async Task<long> SettledAsync(long baseline, long limitBytes, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var now = Live();
            if (now - baseline < limitBytes || DateTime.UtcNow > deadline)
            {
                return now;
            }

            await Task.Delay(250);
        }
    }
}
