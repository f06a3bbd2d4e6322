namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>
/// The ACL file in force (EC_MQTT_ACL_FILE), read at start and again on <see cref="Reload"/> (SIGHUP, or
/// POST /api/v1/mqtt/acl/reload). A file that does not parse is refused and the rules in force stay; a bad file at start
/// leaves an empty rule set (fail closed: non-device clients may then use no topic outside devices/). Without the
/// setting there is no file and the built-in rules apply (see <see cref="DeviceMqttHooks"/>).
/// </summary>
public sealed class MqttAclStore
{
    private readonly object _reloadLock = new();
    private readonly TimeProvider _time;
    private readonly ILogger<MqttAclStore> _log;
    private volatile MqttAclFile? _current;

    public MqttAclStore(MqttServerOptions options, TimeProvider time, ILogger<MqttAclStore> log)
    {
        _time = time;
        _log = log;
        Path = options.AclFile;
        if (Path is null) return;
        try
        {
            Reload();
        }
        catch (Exception ex) when (ex is MqttAclFormatException or IOException or UnauthorizedAccessException)
        {
            _current = MqttAclFile.Parse("");
            _log.LogError("EC_MQTT_ACL_FILE {Path} could not be loaded ({Error}); no topic outside devices/ is allowed to non-device clients until it is fixed and reloaded", Path, ex.Message);
        }
    }

    /// <summary>The file's path, or null when EC_MQTT_ACL_FILE is not set.</summary>
    public string? Path { get; }

    /// <summary>The rules in force, or null when no ACL file is configured.</summary>
    public MqttAclFile? Current => _current;

    /// <summary>
    /// Reads and parses the file again; on success the new rules apply to the next publish, subscribe and delivery.
    /// Throws <see cref="MqttAclFormatException"/> (bad line) or an I/O exception, keeping the old rules;
    /// <see cref="InvalidOperationException"/> when no file is configured.
    /// </summary>
    public MqttAclReloadResult Reload()
    {
        if (Path is null) throw new InvalidOperationException("EC_MQTT_ACL_FILE is not set.");
        lock (_reloadLock)
        {
            var parsed = MqttAclFile.Parse(File.ReadAllText(Path));
            _current = parsed;
            var result = new MqttAclReloadResult(Path, parsed.Users, parsed.TopicRules, parsed.PatternRules, _time.GetUtcNow());
            _log.LogInformation("MQTT ACL file {Path} loaded: {Users} users, {Topics} topic lines, {Patterns} patterns", Path, result.Users, result.TopicRules, result.PatternRules);
            return result;
        }
    }
}
