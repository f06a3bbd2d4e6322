using EdgeConductor.Mqtt.Topics;

namespace EdgeConductor.Server.Mqtt.Acl;

/// <summary>
/// A parsed ACL file (EC_MQTT_ACL_FILE) in Mosquitto's acl_file syntax (mosquitto.conf(5), "acl_file"):
/// <code>
/// # comment
/// topic read $SYS/#            # lines before the first "user" apply to anonymous (sandbox) clients
/// user dashboard               # the following "topic" lines apply to this username
/// topic readwrite plant/#
/// topic deny plant/secret/#
/// pattern write clients/%c/#   # applies to every client; %u = username, %c = client id
/// </code>
/// Access words: <c>read</c>, <c>write</c>, <c>readwrite</c> (the default when left out) and <c>deny</c> (refuses, whatever
/// another line grants). A client may do something when one of its lines (its user's <c>topic</c> lines, or the anonymous
/// ones when it has no username, plus every <c>pattern</c>) grants it and no <c>deny</c> line matches. It governs only
/// non-device clients (service API-key clients, sandbox clients) and only topics outside <c>devices/</c>.
/// </summary>
public sealed class MqttAclFile
{
    private readonly IReadOnlyList<MqttAclRule> _anonymous;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<MqttAclRule>> _users;
    private readonly IReadOnlyList<MqttAclRule> _patterns;

    private MqttAclFile(IReadOnlyList<MqttAclRule> anonymous, IReadOnlyDictionary<string, IReadOnlyList<MqttAclRule>> users, IReadOnlyList<MqttAclRule> patterns)
    {
        _anonymous = anonymous;
        _users = users;
        _patterns = patterns;
    }

    /// <summary>Number of <c>user</c> sections.</summary>
    public int Users => _users.Count;

    /// <summary>Number of <c>topic</c> lines (anonymous and per user).</summary>
    public int TopicRules => _anonymous.Count + _users.Values.Sum(r => r.Count);

    /// <summary>Number of <c>pattern</c> lines.</summary>
    public int PatternRules => _patterns.Count;

    /// <summary>Parses the text of an ACL file. Throws <see cref="MqttAclFormatException"/> naming the first bad line.</summary>
    public static MqttAclFile Parse(string text)
    {
        var anonymous = new List<MqttAclRule>();
        var users = new Dictionary<string, List<MqttAclRule>>(StringComparer.Ordinal);
        var patterns = new List<MqttAclRule>();
        List<MqttAclRule> current = anonymous;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.IndexOfAny([' ', '\t']);
            var keyword = space < 0 ? line : line[..space];
            var rest = space < 0 ? "" : line[(space + 1)..].Trim();
            switch (keyword)
            {
                case "user":
                    if (rest.Length == 0) throw new MqttAclFormatException(number, "\"user\" needs a username");
                    current = users.TryGetValue(rest, out var existing) ? existing : users[rest] = [];
                    break;
                case "topic":
                case "pattern":
                    var rule = ParseRule(rest, keyword == "pattern", number);
                    (keyword == "pattern" ? patterns : current).Add(rule);
                    break;
                default:
                    throw new MqttAclFormatException(number, $"unknown keyword \"{keyword}\" (expected user, topic or pattern)");
            }
        }

        return new MqttAclFile(anonymous, users.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<MqttAclRule>)kv.Value, StringComparer.Ordinal), patterns);
    }

    private static MqttAclRule ParseRule(string rest, bool pattern, int line)
    {
        var access = MqttAclAccess.ReadWrite;
        var filter = rest;
        var space = rest.IndexOfAny([' ', '\t']);
        if (space > 0)
        {
            var word = rest[..space];
            MqttAclAccess? parsed = word switch
            {
                "read" => MqttAclAccess.Read,
                "write" => MqttAclAccess.Write,
                "readwrite" => MqttAclAccess.ReadWrite,
                "deny" => MqttAclAccess.Deny,
                _ => null,
            };
            if (parsed is { } a)
            {
                access = a;
                filter = rest[(space + 1)..].Trim();
            }
        }
        else if (rest is "read" or "write" or "readwrite" or "deny")
        {
            filter = "";
        }

        if (filter.Length == 0) throw new MqttAclFormatException(line, "missing topic");
        if (!MqttTopic.IsValidTopicFilter(filter)) throw new MqttAclFormatException(line, $"invalid topic filter \"{filter}\"");
        return new MqttAclRule(access, filter, pattern, line);
    }

    /// <summary>Whether <paramref name="userName"/>/<paramref name="clientId"/> may receive a message on <paramref name="topic"/>.</summary>
    public bool MayRead(string? userName, string clientId, string topic) => Decide(userName, clientId, topic, MqttAclAccess.Read, covers: false);

    /// <summary>Whether the client may publish to <paramref name="topic"/>.</summary>
    public bool MayWrite(string? userName, string clientId, string topic) => Decide(userName, clientId, topic, MqttAclAccess.Write, covers: false);

    /// <summary>
    /// Whether the client may subscribe to <paramref name="filter"/>: a read line's filter must cover it (every topic the
    /// subscription can match), and no deny line may cover it. Topics inside a granted filter that a narrower deny line
    /// refuses are withheld at delivery (<see cref="MayRead"/>).
    /// </summary>
    public bool MaySubscribe(string? userName, string clientId, string filter) => Decide(userName, clientId, filter, MqttAclAccess.Read, covers: true);

    private bool Decide(string? userName, string clientId, string topicOrFilter, MqttAclAccess wanted, bool covers)
    {
        var own = userName is null ? _anonymous : _users.TryGetValue(userName, out var r) ? r : [];
        var granted = false;
        foreach (var rules in new[] { own, _patterns })
        {
            foreach (var rule in rules)
            {
                var filter = rule.IsPattern ? Substitute(rule.Filter, userName, clientId) : rule.Filter;
                if (filter is null) continue;
                var hit = covers ? Covers(filter, topicOrFilter) : MqttTopic.Matches(filter, topicOrFilter);
                if (!hit) continue;
                if (rule.Access == MqttAclAccess.Deny) return false;
                if ((rule.Access & wanted) != 0) granted = true;
            }
        }

        return granted;
    }

    /// <summary>%u and %c replaced; null when the rule cannot apply (no username, or a value that contains a wildcard or '/').</summary>
    private static string? Substitute(string filter, string? userName, string clientId)
    {
        if (filter.Contains("%u", StringComparison.Ordinal))
        {
            if (string.IsNullOrEmpty(userName) || userName.AsSpan().IndexOfAny("/+#") >= 0) return null;
            filter = filter.Replace("%u", userName, StringComparison.Ordinal);
        }

        if (filter.Contains("%c", StringComparison.Ordinal))
        {
            if (clientId.AsSpan().IndexOfAny("/+#") >= 0) return null;
            filter = filter.Replace("%c", clientId, StringComparison.Ordinal);
        }

        return filter;
    }

    /// <summary>True when every topic <paramref name="filter"/> matches is also matched by <paramref name="rule"/>.</summary>
    internal static bool Covers(string rule, string filter)
    {
        var r = rule.Split('/');
        var f = filter.Split('/');
        for (var i = 0; i < r.Length; i++)
        {
            if (r[i] == "#") return !(i == 0 && f[0].StartsWith('$') && !r[0].StartsWith('$'));
            if (i >= f.Length) return false;
            if (f[i] == "#") return false;
            if (r[i] == "+")
            {
                if (i == 0 && f[0].StartsWith('$')) return false;
                continue;
            }

            if (r[i] != f[i]) return false;
        }

        return r.Length == f.Length;
    }
}
