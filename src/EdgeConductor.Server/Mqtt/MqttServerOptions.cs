namespace EdgeConductor.Server.Mqtt;

/// <summary>The built-in broker's listeners and policy (EC_MQTT_* settings).</summary>
public sealed class MqttServerOptions
{
    /// <summary>Plain TCP port (EC_MQTT_PORT, default 1883; 0 disables).</summary>
    public int TcpPort { get; set; } = 1883;

    /// <summary>TLS port (EC_MQTTS_PORT, default 8883; 0 disables).</summary>
    public int TlsPort { get; set; } = 8883;

    /// <summary>PFX file for the TLS listener (EC_MQTT_TLS_CERT); without it a self-signed certificate is generated once into the data dir.</summary>
    public string? TlsCertificatePath { get; set; }
    public string? TlsCertificatePassword { get; set; }

    /// <summary>EC_MQTT_ALLOW_ANONYMOUS: unauthenticated clients may use topics outside devices/ (an insecure sandbox for tools).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Messages queued per session before back-pressure and drops (EC_MQTT_MAX_QUEUED); never unbounded.</summary>
    public int MaxQueuedMessages { get; set; } = 1000;

    /// <summary>
    /// Byte budget of a connected subscriber beyond its full queue (EC_MQTT_MAX_QUEUED_BYTES, default 33554432 = 32 MiB):
    /// a QoS 0 burst the subscriber's transport cannot take at once waits in order instead of being dropped; beyond it
    /// messages are dropped and counted per client (<c>mqtt_client_messages_dropped_total</c>). Allocated only while used.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = EdgeConductor.Mqtt.Broker.MqttBrokerOptions.DefaultMaxQueuedBytes;

    /// <summary>
    /// Largest keep-alive in seconds (EC_MQTT_MAX_KEEPALIVE, default 1200 like AWS IoT Core's maximum). A v5 client asking
    /// for more or for 0 gets CONNACK Server Keep Alive = this value; a 3.1.1 client asking for more or 0 is held to it
    /// too (closed after 1.5 × this of silence) — it cannot be told, so it must ping at least this often.
    /// </summary>
    public ushort MaxKeepAliveSeconds { get; set; } = 1200;

    /// <summary>Period of the $SYS/broker/… statistics in seconds (EC_MQTT_SYS_INTERVAL, default 10; 0 turns them off). Service and sandbox clients may read them, devices may not.</summary>
    public int SysIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// Mosquitto-style ACL file for non-device clients (EC_MQTT_ACL_FILE; unset = built-in rules only): what service
    /// (API-key) and sandbox clients may read, write and subscribe outside devices/. Reloaded on SIGHUP and by
    /// POST /api/v1/mqtt/acl/reload. See docs/mqtt-server.md.
    /// </summary>
    public string? AclFile { get; set; }

    /// <summary>
    /// Sessions one credential (a device, an API key, or all anonymous sandbox clients together) may hold at once
    /// (EC_MQTT_MAX_SESSIONS_PER_CREDENTIAL, default 20). Beyond it the credential's longest-offline session is discarded;
    /// when all are online the CONNECT is refused (CONNACK 0x97 Quota exceeded / 3.1.1 return code 3).
    /// </summary>
    public int MaxSessionsPerCredential { get; set; } = 20;

    /// <summary>Distinct topic filters per session (EC_MQTT_MAX_SUBSCRIPTIONS, default 200); SUBACK 0x97 (v5) / 0x80 (3.1.1) beyond it.</summary>
    public int MaxSubscriptionsPerSession { get; set; } = 200;

    /// <summary>Longest topic filter in UTF-8 bytes (EC_MQTT_MAX_FILTER_LENGTH, default 256, like AWS IoT Core's topic limit); SUBACK 0x8F (v5) / 0x80 (3.1.1) beyond it.</summary>
    public int MaxTopicFilterLength { get; set; } = 256;

    /// <summary>
    /// Lifetime of a disconnected persistent session in seconds (EC_MQTT_SESSION_EXPIRY, default 604800 = 7 days, like
    /// AWS IoT Core's maximum): 3.1.1 sessions with clean session = 0 expire this long after their disconnect, and a v5
    /// client's Session Expiry Interval is lowered to it (the value is sent back in CONNACK, MQTT 5.0 §3.2.2.3.2).
    /// </summary>
    public uint SessionExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Bind address for the MQTT listeners (EC_MQTT_BIND, default all interfaces).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// Reads the EC_MQTT_* settings. A set value that is not a number in its range stops the start-up with an
    /// <see cref="InvalidOperationException"/> naming the variable (an ignored typo would silently run on the default).
    /// </summary>
    public static MqttServerOptions FromConfiguration(IConfiguration config)
    {
        var o = new MqttServerOptions();
        o.TcpPort = (int)Number(config, "EC_MQTT_PORT", 0, 65535, o.TcpPort);
        o.TlsPort = (int)Number(config, "EC_MQTTS_PORT", 0, 65535, o.TlsPort);
        o.TlsCertificatePath = string.IsNullOrWhiteSpace(config["EC_MQTT_TLS_CERT"]) ? null : config["EC_MQTT_TLS_CERT"];
        o.TlsCertificatePassword = config["EC_MQTT_TLS_PASSWORD"];
        o.AllowAnonymous = string.Equals(config["EC_MQTT_ALLOW_ANONYMOUS"], "true", StringComparison.OrdinalIgnoreCase);
        o.MaxQueuedMessages = (int)Number(config, "EC_MQTT_MAX_QUEUED", 1, int.MaxValue, o.MaxQueuedMessages);
        o.MaxQueuedBytes = Number(config, "EC_MQTT_MAX_QUEUED_BYTES", 0, long.MaxValue, o.MaxQueuedBytes);
        o.MaxKeepAliveSeconds = (ushort)Number(config, "EC_MQTT_MAX_KEEPALIVE", 1, ushort.MaxValue, o.MaxKeepAliveSeconds); // Server Keep Alive is 2 bytes (MQTT 5.0 §3.2.2.3.14)
        o.SysIntervalSeconds = (int)Number(config, "EC_MQTT_SYS_INTERVAL", 0, 86400, o.SysIntervalSeconds);
        o.AclFile = string.IsNullOrWhiteSpace(config["EC_MQTT_ACL_FILE"]) ? null : config["EC_MQTT_ACL_FILE"];
        if (!string.IsNullOrWhiteSpace(config["EC_MQTT_BIND"])) o.BindAddress = config["EC_MQTT_BIND"]!;
        o.MaxSessionsPerCredential = (int)Number(config, "EC_MQTT_MAX_SESSIONS_PER_CREDENTIAL", 1, int.MaxValue, o.MaxSessionsPerCredential);
        o.MaxSubscriptionsPerSession = (int)Number(config, "EC_MQTT_MAX_SUBSCRIPTIONS", 1, int.MaxValue, o.MaxSubscriptionsPerSession);
        o.MaxTopicFilterLength = (int)Number(config, "EC_MQTT_MAX_FILTER_LENGTH", 1, 65535, o.MaxTopicFilterLength);
        o.SessionExpirySeconds = (uint)Number(config, "EC_MQTT_SESSION_EXPIRY", 1, uint.MaxValue, o.SessionExpirySeconds);
        return o;
    }

    /// <summary>The whole number in <paramref name="name"/>, or <paramref name="fallback"/> when it is unset or blank.</summary>
    /// <exception cref="InvalidOperationException">The value is not a whole number from <paramref name="min"/> to <paramref name="max"/>.</exception>
    private static long Number(IConfiguration config, string name, long min, long max, long fallback)
    {
        var raw = config[name];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return long.TryParse(raw.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}, not '{raw}'.");
    }
}
