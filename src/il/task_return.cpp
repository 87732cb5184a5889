#include "il/task_return.h"

namespace clrprobe::il {

TaskShape classify_return(const TypeSig& ret, const TypeNameResolver& name_of) {
  if (!name_of) return TaskShape::None;
  switch (ret.kind) {
    case ElementType::Class:
      return name_of(ret.token) == "System.Threading.Tasks.Task" ? TaskShape::Task : TaskShape::None;
    case ElementType::ValueType:
      return name_of(ret.token) == "System.Threading.Tasks.ValueTask" ? TaskShape::ValueTask : TaskShape::None;
    case ElementType::GenericInst: {
      if (ret.args.size() != 1) return TaskShape::None;
      const std::string name = name_of(ret.token);
      if (!ret.generic_is_value_type && name == "System.Threading.Tasks.Task`1") return TaskShape::Task;
      if (ret.generic_is_value_type && name == "System.Threading.Tasks.ValueTask`1") return TaskShape::ValueTaskOfT;
      return TaskShape::None;
    }
    default:
      return TaskShape::None;
  }
}

const char* task_shape_name(TaskShape shape) {
  switch (shape) {
    case TaskShape::None: return "none";
    case TaskShape::Task: return "Task";
    case TaskShape::ValueTask: return "ValueTask";
    case TaskShape::ValueTaskOfT: return "ValueTask<T>";
  }
  return "?";
}

}  // namespace clrprobe::il
