using EdgeConductor.Mqtt.Broker.Persistence;
using EdgeConductor.Server.Mqtt.Persistence;

namespace EdgeConductor.Server.Hosting;

internal static class BrokerStateRegistration
{
    /// <summary>
    /// MQTT broker state in the database (docs/mqtt-server.md, "Persistence"): on unless EC_MQTT_PERSISTENCE=false, which
    /// keeps retained messages and sessions in memory only (lost on restart, as before).
    /// </summary>
    public static IServiceCollection AddBrokerState(this IServiceCollection s, IConfiguration config)
    {
        if (string.Equals(config["EC_MQTT_PERSISTENCE"], "false", StringComparison.OrdinalIgnoreCase)) return s;
        s.AddSingleton<BrokerOwnerCheck>();
        s.AddSingleton<IBrokerStateStore, SqlBrokerStateStore>();
        s.AddHostedService<BrokerStateLoader>();
        return s;
    }
}
