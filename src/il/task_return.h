// Which methods are measured to the completion of the task they return:
// those whose return type is Task, Task<T>, ValueTask or ValueTask<T>
// (async or not). Decided from the signature's return type alone, so a
// `Task<T> Get() => inner.Get()` forwarder is measured like an async method.
#pragma once

#include <cstdint>
#include <string>

#include "il/signature.h"

namespace clrprobe::il {

enum class TaskShape : uint8_t {
  None,           // not a task: measured to the method's return
  Task,           // class Task or Task<T>: a reference the epilogue passes on
  ValueTask,      // valuetype ValueTask
  ValueTaskOfT,   // valuetype ValueTask<T>
};

// `name_of` maps the return type's TypeDef/TypeRef token to its full name
// ("System.Threading.Tasks.Task`1"). Subclasses of Task are not recognised
// (their name differs): they are measured to the method's return.
TaskShape classify_return(const TypeSig& ret, const TypeNameResolver& name_of);

// "task", "value task" ... for logs and tests.
const char* task_shape_name(TaskShape shape);

}  // namespace clrprobe::il
