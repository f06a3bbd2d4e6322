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

    /// <summary>Bind address for the MQTT listeners (EC_MQTT_BIND, default all interfaces).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    public static MqttServerOptions FromConfiguration(IConfiguration config)
    {
        var o = new MqttServerOptions();
        if (int.TryParse(config["EC_MQTT_PORT"], out var p)) o.TcpPort = p;
        if (int.TryParse(config["EC_MQTTS_PORT"], out var tp)) o.TlsPort = tp;
        o.TlsCertificatePath = string.IsNullOrWhiteSpace(config["EC_MQTT_TLS_CERT"]) ? null : config["EC_MQTT_TLS_CERT"];
        o.TlsCertificatePassword = config["EC_MQTT_TLS_PASSWORD"];
        o.AllowAnonymous = string.Equals(config["EC_MQTT_ALLOW_ANONYMOUS"], "true", StringComparison.OrdinalIgnoreCase);
        if (int.TryParse(config["EC_MQTT_MAX_QUEUED"], out var q) && q > 0) o.MaxQueuedMessages = q;
        if (!string.IsNullOrWhiteSpace(config["EC_MQTT_BIND"])) o.BindAddress = config["EC_MQTT_BIND"]!;
        return o;
    }
}
