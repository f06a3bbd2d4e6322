using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeConductor.Cli.Simulation;

internal sealed partial class SimulatedDevice
{
    private async Task HandleAsync(InboundMessage message, CancellationToken ct)
    {
        try
        {
            switch (message)
            {
                case DesiredMessage desired:
                    await ApplyDesiredAsync(desired.Desired, ct);
                    break;
                case CommandMessage command:
                    await HandleCommandAsync(command, ct);
                    break;
                case OtaMessage ota:
                    await HandleOtaAsync(ota, ct);
                    break;
            }
        }
        catch (SimulatedLinkException)
        {
            SimulationCounters.Add(ref _counters.Errors);
            if (Link.Connected) await DropAsync(graceful: false);
            _nextConnectAttempt = Now;
        }
    }

    /// <summary>
    /// Applies desired state as the firmware does (seed 001 "Dashboard Builder": <c>relay</c>, <c>setpoint</c>, any other
    /// key kept as configuration) and reports the applied values back: MQTT <c>shadow/reported</c>, HTTPS a telemetry message.
    /// </summary>
    private async Task ApplyDesiredAsync(JsonObject desired, CancellationToken ct)
    {
        var report = new JsonObject();
        foreach (var (key, value) in desired)
        {
            if (key is "version" or "ts") continue;
            if (value is null)
            {
                _applied.Remove(key);
                if (!Link.ConfirmsThroughTelemetry) report[key] = null; // a reported null deletes the key
                continue;
            }
            if (key == "relay" && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False) _relay = value.GetValue<bool>();
            if (key == "setpoint" && value.GetValueKind() == JsonValueKind.Number) _setpoint = value.GetValue<double>();
            _applied[key] = value.DeepClone();
            report[key] = value.DeepClone();
        }
        if (report.Count == 0) return;
        await WithTimeout(t => Link.ReportStateAsync(report, t), ct);
        SimulationCounters.Add(ref _counters.DesiredApplied);
    }

    /// <summary>Commands (docs/telemetry.md "Commands"): answered <c>accepted</c>, then <c>succeeded</c> or <c>failed</c>.</summary>
    private async Task HandleCommandAsync(CommandMessage command, CancellationToken ct)
    {
        if (!_handledCommands.Add(command.Id)) return; // delivered at least once: dedupe by id
        SimulationCounters.Add(ref _counters.Commands);
        if (command.Cmd != "reboot")
        {
            await WithTimeout(t => Link.AckCommandAsync(command.Id, "failed", $"unsupported command '{command.Cmd}'", t), ct);
            return;
        }
        await WithTimeout(t => Link.AckCommandAsync(command.Id, "accepted", null, t), ct);
        await RebootAsync("SW", graceful: true, ct);
        SimulationCounters.Add(ref _counters.Reboots);
        await WithTimeout(t => Link.AckCommandAsync(command.Id, "succeeded", "rebooted", t), ct);
    }

    /// <summary>
    /// Restarts: the connection goes (DISCONNECT first unless power was lost), the device is away for
    /// <see cref="SimulationOptions.RebootDelay"/>, then boots with <paramref name="reason"/>, uptime from zero, and sends
    /// its boot reading at once.
    /// </summary>
    private async Task RebootAsync(string reason, bool graceful, CancellationToken ct)
    {
        if (Link.Connected) await DropAsync(graceful);
        await Task.Delay(_options.RebootDelay, _time, ct);
        RebootReason = reason;
        _readingsSinceBoot = 0;
        _bootMessagePending = true;
        _ttff = _generator.NextTtff();
        await TryConnectAsync(ct);
        if (!Link.Connected) throw new SimulatedLinkException("could not reconnect after the reboot");
        await TickAsync(ct);
    }
}
