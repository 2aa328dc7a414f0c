using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Msp.Core.Training;

/// <summary>
/// A mapping of a YAML config with the path that leads to it, read once at the edge into typed records. Every read
/// marks its key as known; <see cref="RejectUnknownKeys"/> then names any key nothing read (a typo, or a reference
/// option Msp does not implement) instead of silently ignoring it.
/// </summary>
internal sealed class YamlConfigNode
{
    private readonly YamlMappingNode _mapping;
    private readonly HashSet<string> _read = [];

    private YamlConfigNode(string file, string path, YamlMappingNode mapping)
    {
        File = file;
        Path = path;
        _mapping = mapping;
    }

    public string File { get; }

    public string Path { get; }

    public static YamlConfigNode Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{file}: not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException($"{file}: a config must be a YAML mapping of keys (batchsize, lr, model, ...).");
        return new YamlConfigNode(file, "", root);
    }

    public bool Has(string key) => _mapping.Children.ContainsKey(new YamlScalarNode(key));

    public YamlConfigNode Child(string key)
    {
        var node = Required(key);
        if (node is not YamlMappingNode mapping)
            throw Error(key, node, "a mapping of keys");
        return new YamlConfigNode(File, Qualified(key), mapping);
    }

    public YamlConfigNode? OptionalChild(string key) => Has(key) ? Child(key) : null;

    public string String(string key) => Scalar(key, "a string");

    public string String(string key, string fallback) => Has(key) ? String(key) : Mark(key, fallback);

    public int Int(string key)
    {
        string text = Scalar(key, "an integer");
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            return value;
        // YAML writes large step counts as 5.0e+4 at times; accept integral floats.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && real == Math.Floor(real) && Math.Abs(real) < int.MaxValue)
            return (int)real;
        throw Error(key, Required(key), "an integer");
    }

    public int Int(string key, int fallback) => Has(key) ? Int(key) : Mark(key, fallback);

    public double Double(string key)
    {
        string text = Scalar(key, "a number");
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return value;
        throw Error(key, Required(key), "a number");
    }

    public float Float(string key)
    {
        string text = Scalar(key, "a number");
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            return value;
        throw Error(key, Required(key), "a number");
    }

    public float Float(string key, float fallback) => Has(key) ? Float(key) : Mark(key, fallback);

    public bool Bool(string key)
    {
        string text = Scalar(key, "true or false");
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(key, Required(key), "true or false"),
        };
    }

    public bool Bool(string key, bool fallback) => Has(key) ? Bool(key) : Mark(key, fallback);

    /// <summary>A [low, high] pair; a single number x means [−x, x] as in the reference datasets.</summary>
    public (float Low, float High) Range(string key, (float, float) fallback)
    {
        if (!Has(key))
            return Mark(key, fallback);
        var node = Required(key);
        if (node is YamlScalarNode)
        {
            float x = Float(key);
            return (-x, x);
        }
        var values = Sequence(key, node, "[low, high]");
        if (values.Length != 2)
            throw Error(key, node, "[low, high] (two numbers)");
        return (values[0], values[1]);
    }

    /// <summary>A list of integers (e.g. active_actions).</summary>
    public int[] IntList(string key, int[] fallback)
    {
        if (!Has(key))
            return Mark(key, fallback);
        var node = Required(key);
        var values = Sequence(key, node, "a list of integers");
        if (values.Any(v => v != Math.Floor(v)))
            throw Error(key, node, "a list of integers");
        return values.Select(v => (int)v).ToArray();
    }

    /// <summary>Reads and ignores a key the reference has but that has no meaning here (documented where called).</summary>
    public void Ignore(string key) => _read.Add(key);

    public void RejectUnknownKeys(string hint)
    {
        foreach (var entry in _mapping.Children)
        {
            string key = ((YamlScalarNode)entry.Key).Value ?? "";
            if (!_read.Contains(key))
                throw new ConfigException($"{File}: unknown key '{Qualified(key)}'. {hint}");
        }
    }

    private T Mark<T>(string key, T fallback)
    {
        _read.Add(key);
        return fallback;
    }

    private string Scalar(string key, string expected)
    {
        var node = Required(key);
        if (node is not YamlScalarNode scalar || scalar.Value is null)
            throw Error(key, node, expected);
        return scalar.Value.Trim();
    }

    private float[] Sequence(string key, YamlNode node, string expected)
    {
        if (node is not YamlSequenceNode sequence)
            throw Error(key, node, expected);
        var values = new float[sequence.Children.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (sequence.Children[i] is not YamlScalarNode s ||
                !float.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw Error(key, node, expected);
        }
        return values;
    }

    private YamlNode Required(string key)
    {
        _read.Add(key);
        if (!_mapping.Children.TryGetValue(new YamlScalarNode(key), out var node))
            throw new ConfigException($"{File}: missing key '{Qualified(key)}'.");
        return node;
    }

    private ConfigException Error(string key, YamlNode node, string expected) =>
        new($"{File}: key '{Qualified(key)}' must be {expected}, got '{Describe(node)}' (line {node.Start.Line}).");

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => node.ToString(),
    };

    private string Qualified(string key) => Path.Length == 0 ? key : Path + "." + key;
}
