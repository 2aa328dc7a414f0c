namespace Msp.Core.Devices;

/// <summary>
/// Free lists of buffers keyed by exact length. A training step asks for the same sizes every step, so
/// after the first step every request is served from the free lists.
/// </summary>
internal sealed class BufferPool<TBuffer>(Func<int, TBuffer> allocate) where TBuffer : class
{
    private readonly Dictionary<int, Stack<TBuffer>> _free = [];
    private readonly Lock _lock = new();

    public long FreshAllocations { get; private set; }

    public TBuffer Rent(int length)
    {
        lock (_lock)
        {
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
                return stack.Pop();
            FreshAllocations++;
        }
        return allocate(length);
    }

    public void Return(int length, TBuffer buffer)
    {
        lock (_lock)
        {
            if (!_free.TryGetValue(length, out var stack))
                _free[length] = stack = new Stack<TBuffer>();
            stack.Push(buffer);
        }
    }

    /// <summary>Every pooled buffer, for disposal with the device.</summary>
    public IEnumerable<TBuffer> Drain()
    {
        lock (_lock)
        {
            var all = _free.Values.SelectMany(s => s).ToList();
            _free.Clear();
            return all;
        }
    }
}
