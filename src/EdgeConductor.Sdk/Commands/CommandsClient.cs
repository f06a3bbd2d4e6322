using EdgeConductor.Sdk.Http;

namespace EdgeConductor.Sdk.Commands;

/// <summary>Device commands and their lifecycle: <c>client.Commands</c>. Reboot itself is <c>client.Devices.RebootAsync</c>.</summary>
public sealed class CommandsClient
{
    private readonly ApiTransport _api;

    internal CommandsClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Sends a custom command (<c>POST /devices/{serial}/commands</c>): <paramref name="cmd"/> a name of letters, digits and
    /// '_'; <paramref name="parameters"/> an object whose members the device receives in the message (e.g.
    /// <c>new { seconds = 30 }</c>); <paramref name="expiresIn"/> 1 minute to 7 days (default 1 hour on the server).
    /// </summary>
    public Task<DeviceCommand> SendAsync(string serial, string cmd, object? parameters = null, TimeSpan? expiresIn = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cmd);
        var body = new Dictionary<string, object?> { ["cmd"] = cmd };
        if (parameters is not null) body["params"] = parameters;
        if (expiresIn is { } e) body["expires_in"] = (long)e.TotalSeconds;
        return _api.SendAsync<DeviceCommand>(HttpMethod.Post, Path(serial), body, false, cancellationToken);
    }

    /// <summary>One command of a device, with its current state.</summary>
    public Task<DeviceCommand> GetAsync(string serial, string id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<DeviceCommand>(HttpMethod.Get, Path(serial) + "/" + ApiTransport.Segment(id), null, true, cancellationToken);

    /// <summary>The device's newest commands (1–200), newest first.</summary>
    public Task<IReadOnlyList<DeviceCommand>> RecentAsync(string serial, int limit = 20, CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 200) throw new ArgumentOutOfRangeException(nameof(limit), limit, "limit must be between 1 and 200.");
        return _api.SendAsync<IReadOnlyList<DeviceCommand>>(HttpMethod.Get, ApiTransport.WithQuery(Path(serial) + "/recent", ("limit", limit)), null, true, cancellationToken);
    }

    /// <summary>
    /// Polls the command every <paramref name="pollInterval"/> (default 1 s) until it is final (succeeded, failed or
    /// expired) or <paramref name="timeout"/> has passed, and returns it as last seen: check <see cref="DeviceCommand.IsFinal"/>.
    /// </summary>
    public async Task<DeviceCommand> WaitAsync(string serial, string id, TimeSpan timeout, TimeSpan? pollInterval = null,
        CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? TimeSpan.FromSeconds(1);
        var deadline = _api.Time.GetUtcNow() + timeout;
        while (true)
        {
            var command = await GetAsync(serial, id, cancellationToken).ConfigureAwait(false);
            if (command.IsFinal) return command;
            var left = deadline - _api.Time.GetUtcNow();
            if (left <= TimeSpan.Zero) return command;
            await Task.Delay(left < interval ? left : interval, _api.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Path(string serial) => $"devices/{ApiTransport.Segment(serial)}/commands";
}
