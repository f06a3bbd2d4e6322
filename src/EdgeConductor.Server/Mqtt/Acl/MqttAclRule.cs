namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>What an ACL line grants (or, for <see cref="Deny"/>, refuses). Mosquitto acl_file access words.</summary>
[Flags]
public enum MqttAclAccess
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>read</c>: subscribe and receive.</summary>
    Read = 1,

    /// <summary><c>write</c>: publish.</summary>
    Write = 2,

    /// <summary><c>readwrite</c> (also the default when the access word is left out).</summary>
    ReadWrite = Read | Write,

    /// <summary><c>deny</c>: neither, whatever another line grants.</summary>
    Deny = 4,
}

/// <summary>
/// One <c>topic</c> or <c>pattern</c> line of an ACL file: an access and a topic filter (wildcards allowed). For a
/// <c>pattern</c>, <c>%u</c> and <c>%c</c> in the filter stand for the client's username and client id.
/// </summary>
/// <param name="Access">What the line grants or denies.</param>
/// <param name="Filter">The topic filter, with <c>%u</c>/<c>%c</c> still in it for patterns.</param>
/// <param name="IsPattern">True for <c>pattern</c> lines (apply to every client, with substitution).</param>
/// <param name="Line">1-based line number in the file (for messages).</param>
public sealed record MqttAclRule(MqttAclAccess Access, string Filter, bool IsPattern, int Line);
