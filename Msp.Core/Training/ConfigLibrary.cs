using System.Reflection;

namespace Msp.Core.Training;

/// <summary>
/// The configs shipped with Msp (Msp.Core/Configs/*.yml, embedded) and config files given by path. Built-in names
/// are the file names without extension; a path wins when a file of that name exists.
/// </summary>
public static class ConfigLibrary
{
    /// <summary>The config the README's main command trains: small enough for minutes on two CPU cores.</summary>
    public const string DefaultName = "mnist-small";

    private const string ResourcePrefix = "Msp.Core.Configs.";

    public static IReadOnlyList<string> BuiltInNames { get; } = typeof(ConfigLibrary).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yml", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^4]).Order().ToList();

    /// <summary>The YAML text of a built-in config or a file, and the name it goes by in messages.</summary>
    public static (string Text, string Source) ReadText(string nameOrPath)
    {
        if (File.Exists(nameOrPath))
            return (File.ReadAllText(nameOrPath), Path.GetFullPath(nameOrPath));
        if (BuiltInNames.Contains(nameOrPath))
        {
            using var stream = typeof(ConfigLibrary).Assembly.GetManifestResourceStream(ResourcePrefix + nameOrPath + ".yml")!;
            return (new StreamReader(stream).ReadToEnd(), $"built-in config '{nameOrPath}'");
        }
        throw new ConfigException($"No config '{nameOrPath}': it is neither a file nor a built-in config ({string.Join(", ", BuiltInNames)}).");
    }

    /// <summary>Reads and parses a config, applying command-line overrides of seed and step count.</summary>
    public static TrainConfig Load(string nameOrPath, int? seed = null, long? steps = null)
    {
        var (text, source) = ReadText(nameOrPath);
        var config = ConfigReader.Parse(text, source);
        if (steps is long s)
        {
            if (s <= 0 || s > int.MaxValue)
                throw new ConfigException($"--steps must be a positive step count, got {s}.");
            config = config with { MaxIteration = (int)s };
            text += $"\n# msp train --steps {s}\n";
        }
        if (seed is int value)
        {
            config = config with { Seed = value };
            text += $"\n# msp train --seed {value}\n";
        }
        return config with { Text = text };
    }

    /// <summary>A folder name for runs of this config (the built-in name or the file name).</summary>
    public static string RunName(string nameOrPath) =>
        File.Exists(nameOrPath) ? Path.GetFileNameWithoutExtension(nameOrPath) : nameOrPath;
}
