/*
 * The quick way to read an ordinary record file: libyaml's events turned straight into
 * Python values and position tables, without a Python object per event.
 *
 * It reads only what ordinary records hold (block or flow mappings and lists of plain
 * or quoted scalars) and gives up, returning None, on anything else: a tag, an anchor
 * or alias, a duplicate field, a YAML error, a plain scalar it cannot type with
 * certainty. The reader in load.py then reads the file and reports what is wrong, so
 * every message comes from one place. When this reader does answer, its answer is the
 * one load.py's reader gives; the tests compare the two on many files.
 *
 * Plain scalars are typed as PyYAML's YAML 1.1 resolver types them (so `NO` is false and
 * `02134` a number): the common forms here, anything doubtful by asking Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <yaml.h>

/* Deeper nesting than any record has; stops a hostile file from exhausting the C stack. */
#define MAX_DEPTH 64

typedef struct {
    yaml_parser_t parser;
    PyObject *positions;     /* path -> (line, column) of each value */
    PyObject *key_positions; /* path -> (line, column) of the key naming it */
    PyObject *raw_scalars;   /* path -> text as written, for values YAML did not read as text */
    PyObject *is_text;       /* callable: does YAML 1.1 read this plain scalar as text? */
    int gave_up;             /* the file needs the full reader; no Python error is set */
} Reader;

static PyObject *read_value(Reader *reader, yaml_event_t *event, PyObject *path, int depth);

static int next_event(Reader *reader, yaml_event_t *event) {
    if (!yaml_parser_parse(&reader->parser, event)) {
        reader->gave_up = 1;
        return 0;
    }
    return 1;
}

static PyObject *give_up(Reader *reader) {
    reader->gave_up = 1;
    return NULL;
}

static int remember(PyObject *table, PyObject *path, yaml_mark_t mark) {
    PyObject *at = PyTuple_New(2), *line, *column;
    if (at == NULL) return -1;
    PyTuple_SET_ITEM(at, 0, line = PyLong_FromSize_t(mark.line + 1));
    PyTuple_SET_ITEM(at, 1, column = PyLong_FromSize_t(mark.column + 1));
    if (line == NULL || column == NULL) {
        Py_DECREF(at);
        return -1;
    }
    int status = PyDict_SetItem(table, path, at);
    Py_DECREF(at);
    return status;
}

/* The path of a child value: the parent's path with one more key or index. */
static PyObject *child_path(PyObject *path, PyObject *step) {
    Py_ssize_t size = PyTuple_GET_SIZE(path);
    PyObject *child = PyTuple_New(size + 1);
    if (child == NULL) return NULL;
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *item = PyTuple_GET_ITEM(path, i);
        Py_INCREF(item);
        PyTuple_SET_ITEM(child, i, item);
    }
    Py_INCREF(step);
    PyTuple_SET_ITEM(child, size, step);
    return child;
}

static PyObject *as_text(const char *text, size_t length) {
    return PyUnicode_DecodeUTF8(text, (Py_ssize_t)length, "strict");
}

static int is_one_of(const char *text, const char *const *words) {
    for (; *words != NULL; words++)
        if (strcmp(text, *words) == 0) return 1;
    return 0;
}

static int all_digits(const char *text, size_t length) {
    if (length == 0) return 0;
    for (size_t i = 0; i < length; i++)
        if (text[i] < '0' || text[i] > '9') return 0;
    return 1;
}

static int number_at(const char *text, size_t length) {
    int value = 0;
    for (size_t i = 0; i < length; i++) value = value * 10 + (text[i] - '0');
    return value;
}

/* A real calendar date written YYYY-MM-DD, the only date form the records use. */
static int is_calendar_date(const char *text, size_t length) {
    static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (length != 10 || text[4] != '-' || text[7] != '-') return 0;
    if (!all_digits(text, 4) || !all_digits(text + 5, 2) || !all_digits(text + 8, 2)) return 0;
    int year = number_at(text, 4), month = number_at(text + 5, 2), day = number_at(text + 8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1) return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days_in[month - 1] + (month == 2 && leap);
}

/*
 * Text that starts like a number but cannot be one, such as opening hours `09:00-17:30` or
 * `24/7`: a character no number uses, or a sign that is neither in front nor after an
 * exponent's e. A date's first dash, after four digits, is left to the careful check.
 */
static int cannot_be_a_number(const char *text, size_t length) {
    if (length >= 5 && all_digits(text, 4) && text[4] == '-') return 0;
    if (strspn(text, "0123456789+-._:abcdefxinABCDEFIN") < length) return 1;
    for (size_t i = 1; i < length; i++)
        if ((text[i] == '-' || text[i] == '+') && text[i - 1] != 'e' && text[i - 1] != 'E')
            return 1;
    return 0;
}

static const char *const TRUE_WORDS[] = {"yes", "Yes", "YES", "true", "True", "TRUE",
                                         "on",  "On",  "ON",  NULL};
static const char *const FALSE_WORDS[] = {"no", "No", "NO", "false", "False", "FALSE",
                                          "off", "Off", "OFF", NULL};
static const char *const NULL_WORDS[] = {"", "~", "null", "Null", "NULL", NULL};

/* A plain scalar's value, as PyYAML's resolver and safe constructor would make it. */
static PyObject *plain_scalar(Reader *reader, const char *text, size_t length, PyObject *path) {
    PyObject *value;
    const char *digits = text + (text[0] == '-' || text[0] == '+');
    size_t digit_count = length - (size_t)(digits - text);
    size_t whole = strspn(digits, "0123456789");

    if (is_one_of(text, NULL_WORDS)) {
        value = Py_NewRef(Py_None);
    } else if (is_one_of(text, TRUE_WORDS)) {
        value = Py_NewRef(Py_True);
    } else if (is_one_of(text, FALSE_WORDS)) {
        value = Py_NewRef(Py_False);
    } else if (strchr("yYnNtTfFoO", text[0]) != NULL || (text[0] == '~' && length > 1)) {
        /* Words that begin like true, no or null but are none of them are text. */
        return as_text(text, length);
    } else if (whole == digit_count && digit_count > 0 && digit_count <= 18 &&
               (digits[0] != '0' || digit_count == 1)) {
        value = PyLong_FromString(text, NULL, 10);
    } else if (whole > 0 && digits[whole] == '.' &&
               strspn(digits + whole + 1, "0123456789") == digit_count - whole - 1) {
        double number = PyOS_string_to_double(text, NULL, NULL);
        if (number == -1.0 && PyErr_Occurred()) return NULL;
        value = PyFloat_FromDouble(number);
    } else if (is_calendar_date(text, length)) {
        value = as_text(text, length);
    } else if (cannot_be_a_number(text, length)) {
        return as_text(text, length);
    } else {
        /* A doubtful case, such as 9:30, 0x1F or 2026-1-5: let Python's resolver decide. */
        PyObject *written = as_text(text, length);
        if (written == NULL) return NULL;
        PyObject *answer = PyObject_CallOneArg(reader->is_text, written);
        int text_only = answer == NULL ? -1 : PyObject_IsTrue(answer);
        Py_XDECREF(answer);
        if (text_only == 1) return written;
        Py_DECREF(written);
        return text_only < 0 ? NULL : give_up(reader);
    }
    if (value == NULL) return NULL;
    PyObject *written = as_text(text, length);
    if (written == NULL || PyDict_SetItem(reader->raw_scalars, path, written) < 0) {
        Py_XDECREF(written);
        Py_DECREF(value);
        return NULL;
    }
    Py_DECREF(written);
    return value;
}

/* Characters a plain scalar can start with when PyYAML might read it as something else. */
static const char RESOLVED_STARTS[] = "yYnNtTfFoO0123456789+-.~<=!&*";

static PyObject *read_scalar(Reader *reader, yaml_event_t *event, PyObject *path) {
    const char *text = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    if (event->data.scalar.tag != NULL) return give_up(reader);
    if (!event->data.scalar.plain_implicit) return as_text(text, length);
    if (length > 0 && strchr(RESOLVED_STARTS, text[0]) == NULL)
        return as_text(text, length);
    if (text[0] == '<' || text[0] == '=' || text[0] == '!' || text[0] == '&' || text[0] == '*') {
        /* Only `<<`, `=` and the lone indicators mean something to PyYAML's resolver. */
        if (length <= 2) return give_up(reader);
        return as_text(text, length);
    }
    return plain_scalar(reader, text, length, path);
}

static PyObject *read_mapping(Reader *reader, PyObject *path, int depth) {
    PyObject *mapping = PyDict_New();
    yaml_event_t key, value;
    if (mapping == NULL) return NULL;
    while (next_event(reader, &key)) {
        if (key.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&key);
            return mapping;
        }
        PyObject *name = NULL, *key_path = NULL, *item = NULL;
        if (key.type != YAML_SCALAR_EVENT || key.data.scalar.tag != NULL ||
            key.data.scalar.anchor != NULL) {
            give_up(reader);
        } else if ((name = as_text((const char *)key.data.scalar.value, key.data.scalar.length)) &&
                   PyDict_Contains(mapping, name) == 0 && (key_path = child_path(path, name)) &&
                   remember(reader->key_positions, key_path, key.start_mark) == 0 &&
                   next_event(reader, &value)) {
            item = read_value(reader, &value, key_path, depth + 1);
            yaml_event_delete(&value);
        } else if (name != NULL && !PyErr_Occurred()) {
            give_up(reader); /* a field written twice: the full reader says where */
        }
        yaml_event_delete(&key);
        int stored = item != NULL && PyDict_SetItem(mapping, name, item) == 0;
        Py_XDECREF(name);
        Py_XDECREF(key_path);
        Py_XDECREF(item);
        if (!stored) break;
    }
    Py_DECREF(mapping);
    return NULL;
}

static PyObject *read_sequence(Reader *reader, PyObject *path, int depth) {
    PyObject *items = PyList_New(0);
    yaml_event_t event;
    if (items == NULL) return NULL;
    while (next_event(reader, &event)) {
        if (event.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&event);
            return items;
        }
        PyObject *index = PyLong_FromSsize_t(PyList_GET_SIZE(items));
        PyObject *item_path = index ? child_path(path, index) : NULL;
        PyObject *item = item_path ? read_value(reader, &event, item_path, depth + 1) : NULL;
        yaml_event_delete(&event);
        int stored = item != NULL && PyList_Append(items, item) == 0;
        Py_XDECREF(index);
        Py_XDECREF(item_path);
        Py_XDECREF(item);
        if (!stored) break;
    }
    Py_DECREF(items);
    return NULL;
}

static PyObject *read_value(Reader *reader, yaml_event_t *event, PyObject *path, int depth) {
    if (depth > MAX_DEPTH) return give_up(reader);
    if (remember(reader->positions, path, event->start_mark) < 0) return NULL;
    switch (event->type) {
    case YAML_SCALAR_EVENT:
        if (event->data.scalar.anchor != NULL) return give_up(reader);
        return read_scalar(reader, event, path);
    case YAML_MAPPING_START_EVENT:
        if (event->data.mapping_start.anchor != NULL || event->data.mapping_start.tag != NULL)
            return give_up(reader);
        return read_mapping(reader, path, depth);
    case YAML_SEQUENCE_START_EVENT:
        if (event->data.sequence_start.anchor != NULL || event->data.sequence_start.tag != NULL)
            return give_up(reader);
        return read_sequence(reader, path, depth);
    default:
        return give_up(reader);
    }
}

/* Expect the next event to be of this type, and nothing more. */
static int expect(Reader *reader, yaml_event_type_t type) {
    yaml_event_t event;
    if (!next_event(reader, &event)) return 0;
    int matched = event.type == type;
    yaml_event_delete(&event);
    if (!matched) reader->gave_up = 1;
    return matched;
}

/* One document holding a mapping, then the end of the stream. */
static PyObject *read_document(Reader *reader) {
    yaml_event_t root;
    if (!expect(reader, YAML_STREAM_START_EVENT) || !expect(reader, YAML_DOCUMENT_START_EVENT))
        return NULL;
    if (!next_event(reader, &root)) return NULL;
    PyObject *data = NULL, *path = PyTuple_New(0);
    if (path != NULL && root.type == YAML_MAPPING_START_EVENT)
        data = read_value(reader, &root, path, 0);
    else if (path != NULL)
        give_up(reader);
    yaml_event_delete(&root);
    Py_XDECREF(path);
    if (data != NULL &&
        !(expect(reader, YAML_DOCUMENT_END_EVENT) && expect(reader, YAML_STREAM_END_EVENT)))
        Py_CLEAR(data);
    return data;
}

static PyObject *read_record(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t size;
    const char *utf8;
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "read_record(text: str, is_text: callable)");
        return NULL;
    }
    if ((utf8 = PyUnicode_AsUTF8AndSize(args[0], &size)) == NULL) return NULL;

    Reader reader = {.is_text = args[1]};
    PyObject *result = NULL, *data = NULL;
    reader.positions = PyDict_New();
    reader.key_positions = PyDict_New();
    reader.raw_scalars = PyDict_New();
    if (reader.positions && reader.key_positions && reader.raw_scalars) {
        if (!yaml_parser_initialize(&reader.parser)) {
            PyErr_NoMemory();
        } else {
            yaml_parser_set_input_string(&reader.parser, (const unsigned char *)utf8, (size_t)size);
            yaml_parser_set_encoding(&reader.parser, YAML_UTF8_ENCODING);
            data = read_document(&reader);
            yaml_parser_delete(&reader.parser);
        }
    }
    if (data != NULL) {
        result = PyTuple_Pack(4, data, reader.positions, reader.key_positions, reader.raw_scalars);
    } else if (reader.gave_up && !PyErr_Occurred()) {
        result = Py_NewRef(Py_None);
    }
    Py_XDECREF(data);
    Py_XDECREF(reader.positions);
    Py_XDECREF(reader.key_positions);
    Py_XDECREF(reader.raw_scalars);
    return result;
}

static PyMethodDef methods[] = {
    {"read_record", (PyCFunction)(void (*)(void))read_record, METH_FASTCALL,
     "read_record(text, is_text) -> (data, positions, key_positions, raw_scalars) or None\n\n"
     "None means the file needs the full reader."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fastyaml_module = {PyModuleDef_HEAD_INIT, "_fastyaml",
                                    "A quick reader for ordinary record files.", -1, methods};

PyMODINIT_FUNC PyInit__fastyaml(void) { return PyModule_Create(&fastyaml_module); }
