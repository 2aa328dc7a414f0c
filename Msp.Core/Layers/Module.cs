using Msp.Core.Devices;
using Msp.Core.IO;
using Msp.Core.Tensors;

namespace Msp.Core.Layers;

/// <summary>
/// A node of the model tree: named parameters and named children. The dotted path of a parameter
/// (<c>enc.phi.1.c1.bias</c>) is its checkpoint key; it is built here and nowhere else, from the names the
/// modules register, which follow the reference PyTorch modules so checkpoints move between the two.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    // A null name registers a child inline: its parameters keep their own paths, without a segment for the child.
    private readonly List<(string? Name, Module Child)> _children = [];

    protected Module(IDevice device) => Device = device;

    public IDevice Device { get; }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T AddChild<T>(string name, T child) where T : Module
    {
        _children.Add((name, child));
        return child;
    }

    /// <summary>
    /// Registers a child whose parameters appear under this module's own prefix, as if its children were ours: a part
    /// that is one object here but several attributes of one module in the reference (a model's dynamics, whose
    /// network the reference keeps as <c>M_net</c> or <c>ar</c> beside <c>enc</c> and <c>dec</c>).
    /// </summary>
    protected T AddInline<T>(T child) where T : Module
    {
        _children.Add((null, child));
        return child;
    }

    /// <summary>Registers a persistent, trainable tensor filled from <paramref name="values"/>.</summary>
    protected Tensor AddParameter(string name, Shape shape, ReadOnlySpan<float> values)
    {
        Tensor tensor;
        using (TensorScope.Enter(null))
            tensor = Tensor.FromArray(values, shape, Device);
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Every parameter with its dotted path, parents before children, in registration order.</summary>
    public IEnumerable<(string Path, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (name, tensor) in _parameters)
            yield return (prefix + name, tensor);
        foreach (var (name, child) in _children)
            foreach (var entry in child.NamedParameters(name is null ? prefix : prefix + name + "."))
                yield return entry;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    public int ParameterCount => Parameters().Sum(p => p.Size);

    public void ZeroGrad()
    {
        foreach (var parameter in Parameters())
            parameter.ZeroGrad();
    }

    /// <summary>Host copies of every parameter under its checkpoint key, in registration order (the reference's
    /// state_dict order).</summary>
    public IReadOnlyList<NamedArray> GetState() =>
        NamedParameters().Select(p => new NamedArray(p.Path, p.Tensor.Shape.ToArray(), p.Tensor.ToArray())).ToList();

    /// <summary>
    /// Sets every parameter from <paramref name="arrays"/>, strictly: each parameter must be present with its exact
    /// shape and nothing else may be there (<paramref name="ignorePrefix"/> names entries that belong to someone else,
    /// e.g. optimizer state). Nothing is changed unless everything fits; the error lists what does not.
    /// </summary>
    public void LoadState(IEnumerable<NamedArray> arrays, string source, string? ignorePrefix = null)
    {
        var byName = arrays.Where(a => ignorePrefix is null || !a.Name.StartsWith(ignorePrefix, StringComparison.Ordinal))
            .ToDictionary(a => a.Name);
        var parameters = NamedParameters().ToList();
        var problems = new List<string>();
        foreach (var (path, tensor) in parameters)
        {
            if (!byName.TryGetValue(path, out var array))
                problems.Add($"missing '{path}' {tensor.Shape}");
            else if (!array.Shape.SequenceEqual(tensor.Shape.ToArray()))
                problems.Add($"'{path}' is [{string.Join(", ", array.Shape)}] in the file but {tensor.Shape} in this model");
        }
        var known = parameters.Select(p => p.Path).ToHashSet();
        problems.AddRange(byName.Keys.Where(k => !known.Contains(k)).Select(k => $"unexpected '{k}'"));
        if (problems.Count > 0)
            throw FileFormatException.In(source,
                $"the tensors do not fit this model ({problems.Count} problem(s): {string.Join("; ", problems.Take(6))}" +
                $"{(problems.Count > 6 ? "; ..." : "")}). Was it saved with another configuration (k, dim_m, dim_a, n_blocks)?");
        foreach (var (path, tensor) in parameters)
            tensor.CopyFrom(byName[path].Data);
    }

    public virtual void Dispose()
    {
        foreach (var (_, tensor) in _parameters)
            tensor.Dispose();
        foreach (var (_, child) in _children)
            child.Dispose();
        GC.SuppressFinalize(this);
    }
}
