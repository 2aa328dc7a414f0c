namespace Msp.Core.Tensors;

/// <summary>
/// Owns the tensors made while it is the innermost scope on this thread and gives their buffers back to the
/// device pools when disposed. A training step runs in one scope, so steady steps reuse the same buffers.
/// Tensors made outside any scope are persistent (parameters, optimizer state) and must be disposed by their owner.
/// Also truncates the tape to where it stood when the scope began, so a forward without backward leaks nothing.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? _current;

    private readonly List<Tensor> _owned = [];
    private readonly TensorScope? _parent;
    private readonly int _tapePosition;
    private readonly bool _isRedirect;
    private bool _disposed;

    public TensorScope()
    {
        _parent = _current;
        _current = this;
        _tapePosition = Autodiff.Tape.Position;
    }

    // A redirect makes `target` (possibly null = persistent) the current owner for a moment without owning anything.
    private TensorScope(TensorScope? target, TensorScope? parent)
    {
        _isRedirect = true;
        _parent = parent;
        Target = target;
    }

    private TensorScope? Target { get; }

    /// <summary>Makes <paramref name="owner"/> (null: persistent) the owner of tensors made until disposal.</summary>
    internal static IDisposable Enter(TensorScope? owner)
    {
        var redirect = new TensorScope(owner, _current);
        _current = redirect;
        return redirect;
    }

    internal static void Adopt(Tensor tensor)
    {
        var scope = _current;
        while (scope is { _isRedirect: true })
        {
            if (scope.Target is null)
            {
                tensor.SetOwner(null);
                return;
            }
            scope = scope.Target;
        }
        if (scope is null)
            return;
        scope._owned.Add(tensor);
        tensor.SetOwner(scope);
    }

    /// <summary>Moves <paramref name="tensor"/> to the enclosing scope (or makes it persistent at the outermost one).</summary>
    public Tensor Keep(Tensor tensor)
    {
        if (tensor.Owner != this)
            throw new InvalidOperationException("Keep() takes a tensor owned by this scope.");
        _owned.Remove(tensor);
        var parent = _parent;
        while (parent is { _isRedirect: true })
            parent = parent._parent;
        if (parent is null)
            tensor.SetOwner(null);
        else
        {
            parent._owned.Add(tensor);
            tensor.SetOwner(parent);
        }
        return tensor;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _current = _parent;
        if (_isRedirect)
            return;
        Autodiff.Tape.Truncate(_tapePosition);
        foreach (var tensor in _owned)
            tensor.Dispose();
        _owned.Clear();
    }
}
