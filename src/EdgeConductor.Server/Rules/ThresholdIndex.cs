using System.Text.Json.Nodes;

namespace EdgeConductor.Server.Rules;

/// <summary>
/// An org's enabled threshold rules on one telemetry field, indexed so that a reading finds the rules whose condition
/// holds without testing every rule: rules with an ordering op (<c>&gt; &gt;= &lt; &lt;=</c>) and a numeric threshold are
/// kept sorted by threshold, so the matching ones are a prefix or suffix found by binary search; numeric <c>==</c> rules
/// are looked up by value; everything else (<c>!=</c>, string and boolean values) is tested one by one. The answer is
/// exactly <see cref="ThresholdEvaluator.Holds"/> <c>== true</c> for every rule (tests:
/// <c>ThresholdIndexTests</c> compare both on random rules and readings). Immutable once built.
/// </summary>
public sealed class ThresholdIndex
{
    private readonly (double[] T, int[] Pos) _gt, _ge, _lt, _le;
    private readonly Dictionary<double, int[]> _eq;
    private readonly int[] _other;

    /// <summary>Every rule on the field, in the org's order (the order rules are stepped in).</summary>
    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>The rules by id.</summary>
    public IReadOnlyDictionary<string, Rule> ById { get; }

    /// <summary>Builds the index over <paramref name="rules"/> (all threshold rules on one field).</summary>
    public ThresholdIndex(IReadOnlyList<Rule> rules)
    {
        Rules = rules;
        ById = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var ordered = new Dictionary<string, List<(double T, int Pos)>>(StringComparer.Ordinal)
        {
            [">"] = [], [">="] = [], ["<"] = [], ["<="] = [],
        };
        var eq = new Dictionary<double, List<int>>();
        var other = new List<int>();
        for (var i = 0; i < rules.Count; i++)
        {
            var c = rules[i].Threshold!;
            var t = ThresholdEvaluator.Number(c.Value);
            if (RuleTypes.IsOrdering(c.Op))
            {
                if (t is { } v) ordered[c.Op].Add((v, i)); // a non-numeric threshold never holds (Holds is null)
            }
            else if (c.Op == "==" && t is { } e)
            {
                var key = e + 0.0; // -0 and 0 are one key, as == says
                if (!eq.TryGetValue(key, out var l)) eq[key] = l = [];
                l.Add(i);
            }
            else other.Add(i);
        }
        _gt = Sorted(ordered[">"]); _ge = Sorted(ordered[">="]); _lt = Sorted(ordered["<"]); _le = Sorted(ordered["<="]);
        _eq = eq.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        _other = [.. other];
    }

    private static (double[], int[]) Sorted(List<(double T, int Pos)> items)
    {
        items.Sort((a, b) => a.T != b.T ? a.T.CompareTo(b.T) : a.Pos.CompareTo(b.Pos));
        return ([.. items.Select(x => x.T)], [.. items.Select(x => x.Pos)]);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the positions (in <see cref="Rules"/>) of the rules whose condition holds for
    /// <paramref name="value"/>; <paramref name="number"/> is <see cref="ThresholdEvaluator.Number"/> of it. Unordered.
    /// </summary>
    public void Matching(JsonNode? value, double? number, List<int> into)
    {
        if (number is { } v)
        {
            // v > t for t in [0, first t >= v); v >= t for t in [0, first t > v)
            AddRange(_gt.Pos, 0, LowerBound(_gt.T, v), into);
            AddRange(_ge.Pos, 0, UpperBound(_ge.T, v), into);
            // v < t for t in [first t > v, n); v <= t for t in [first t >= v, n)
            AddRange(_lt.Pos, UpperBound(_lt.T, v), _lt.Pos.Length, into);
            AddRange(_le.Pos, LowerBound(_le.T, v), _le.Pos.Length, into);
            if (_eq.Count > 0 && _eq.TryGetValue(v + 0.0, out var eq)) into.AddRange(eq);
        }
        foreach (var i in _other)
            if (ThresholdEvaluator.Holds(Rules[i].Threshold!, value) == true) into.Add(i);
    }

    private static void AddRange(int[] pos, int from, int to, List<int> into)
    {
        for (var i = from; i < to; i++) into.Add(pos[i]);
    }

    /// <summary>First index whose value is ≥ <paramref name="v"/>.</summary>
    private static int LowerBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>First index whose value is &gt; <paramref name="v"/>.</summary>
    private static int UpperBound(double[] a, double v)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (a[mid] <= v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
