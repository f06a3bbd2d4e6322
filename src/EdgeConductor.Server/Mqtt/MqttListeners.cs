using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeConductor.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeConductor.Server.Mqtt;

/// <summary>
/// Kestrel endpoints: HTTP from ASPNETCORE_URLS (default http://0.0.0.0:8080) and MQTT over TLS on EC_MQTTS_PORT (MQTT over
/// TCP on EC_MQTT_PORT is <see cref="MqttTcpEndpoint"/>). (Explicit Kestrel listens replace ASPNETCORE_URLS, so the HTTP URLs are bound here too.)
/// </summary>
internal static class MqttListeners
{
    public static void Configure(KestrelServerOptions kestrel, IConfiguration config, MqttServerOptions mqtt, EcOptions ec, ILogger log)
    {
        var urls = config["urls"] ?? config["ASPNETCORE_URLS"] ?? "http://0.0.0.0:8080";
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            if (address.Scheme != "http") throw new InvalidOperationException($"Only http:// URLs are supported in ASPNETCORE_URLS ('{url}'); terminate HTTPS in a reverse proxy.");
            Listen(kestrel, address.Host, address.Port, _ => { });
        }
        var bind = mqtt.BindAddress;
        // Plain MQTT over TCP is served by MqttTcpEndpoint (the broker's own listener), not by Kestrel.
        if (mqtt.TlsPort > 0)
        {
            var cert = LoadOrCreateCertificate(mqtt, ec, log);
            Listen(kestrel, bind, mqtt.TlsPort, l =>
            {
                l.UseHttps(cert);
                l.UseConnectionHandler<MqttConnectionHandler>();
            });
            // Kestrel's own line shows this port as https://…; say plainly that it is MQTT over TLS.
            log.LogInformation("MQTT over TLS listening on port {Port} (bind {Bind}; Kestrel's own line lists this port as https://)", mqtt.TlsPort, bind);
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (host is "+" or "*" or "0.0.0.0" or "[::]" or "::") kestrel.ListenAnyIP(port, configure);
        else if (host == "localhost") kestrel.ListenLocalhost(port, configure);
        else kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, configure);
    }

    /// <summary>The configured PFX, or a self-signed certificate generated on first start and kept in the data dir.</summary>
    internal static X509Certificate2 LoadOrCreateCertificate(MqttServerOptions mqtt, EcOptions ec, ILogger log)
    {
        if (mqtt.TlsCertificatePath is { } path)
            return X509CertificateLoader.LoadPkcs12FromFile(path, mqtt.TlsCertificatePassword);
        var file = Path.Combine(Storage.DataDirectory.Prepare(ec.DataDir, log), "mqtt-selfsigned.pfx");
        if (File.Exists(file)) return X509CertificateLoader.LoadPkcs12FromFile(file, null);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=EdgeConductor MQTT", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Environment.MachineName);
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        Storage.DataDirectory.WritePrivateFile(file, cert.Export(X509ContentType.Pfx));
        log.LogWarning("Generated a self-signed MQTT TLS certificate at {File}; set EC_MQTT_TLS_CERT for a real one", file);
        return X509CertificateLoader.LoadPkcs12FromFile(file, null);
    }
}
