using EdgeConductor.Server.Devices;
using EdgeConductor.Server.Gateway;

namespace EdgeConductor.Server.Mqtt;

/// <summary>The device topic namespace (seed 000 "MQTT Topics"): devices/{serial}/telemetry, /shadow/reported, /shadow/desired, /commands, /ota.</summary>
public static class DeviceTopic
{
    public const string Root = "devices";

    public static string For(string serial, DeviceChannel channel) => $"{Root}/{serial}/{Suffix(channel)}";

    public static string Suffix(DeviceChannel channel) => channel switch
    {
        DeviceChannel.ShadowDesired => "shadow/desired",
        DeviceChannel.Commands => "commands",
        DeviceChannel.Ota => "ota",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static readonly DeviceChannel[] Channels = [DeviceChannel.ShadowDesired, DeviceChannel.Commands, DeviceChannel.Ota];

    /// <summary>Splits devices/{serial}/{rest}; false for anything outside the namespace.</summary>
    public static bool TryParse(string topic, out string serial, out string rest)
    {
        serial = rest = "";
        if (!topic.StartsWith(Root + "/", StringComparison.Ordinal)) return false;
        var afterRoot = topic.AsSpan(Root.Length + 1);
        var slash = afterRoot.IndexOf('/');
        if (slash <= 0) return false;
        serial = afterRoot[..slash].ToString();
        rest = afterRoot[(slash + 1)..].ToString();
        return SerialNumber.IsValid(serial);
    }

    /// <summary>The tail of devices/{serial}/commands/ack: a device's answer to a command (Commands/CommandAcks.cs).</summary>
    public const string CommandAck = "commands/ack";

    /// <summary>The device → cloud message kind of a topic's tail, if it is one.</summary>
    public static DeviceMessageKind? InboundKind(string rest) => rest switch
    {
        "telemetry" => DeviceMessageKind.Telemetry,
        "shadow/reported" => DeviceMessageKind.ShadowReported,
        _ => null,
    };

    /// <summary>Does a filter (already stripped of $share/group/) name the devices/ namespace literally (devices/…)?</summary>
    public static bool NamesDeviceNamespace(string filter) => filter == Root || filter.StartsWith(Root + "/", StringComparison.Ordinal);
}
