namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>A line of the ACL file that cannot be understood; the message names it ("line 3: …").</summary>
public sealed class MqttAclFormatException(int line, string problem) : Exception($"line {line}: {problem}")
{
    /// <summary>1-based number of the bad line.</summary>
    public int Line { get; } = line;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;
}
